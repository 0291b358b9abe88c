import { readFileSync } from "node:fs";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import * as api from "./index.js";

// Other packages and library users code against these names: removing or renaming one is a
// breaking change and must be a deliberate edit of these lists (and a changeset).
const PUBLISHED = [
  "CASE_FOLDING_UNICODE_VERSION",
  "CLIENT_OPCODES",
  "CONFUSABLES_UNICODE_VERSION",
  "DEFAULTS",
  "DEFAULT_MAX_MESSAGE_BYTES",
  "EncodeError",
  "ErrorText",
  "FrameRefusal",
  "HEADER_BYTES",
  "MAX_COOKIE_BYTES",
  "INVISIBLE_CLASS",
  "MAX_DATAGRAM_BYTES",
  "MAX_DATA_BYTES",
  "MAX_MESSAGE_BYTES_CEILING",
  "MAX_NAME_BYTES",
  "MAX_TOKEN_BYTES",
  "MIN_TOKEN_BYTES",
  "MAX_UNREGISTERED_REPLY_BYTES",
  "Opcode",
  "ProtocolError",
  "SERVER_OPCODES",
  "challengeToken",
  "checkMessage",
  "checkMessageBytes",
  "checkName",
  "decode",
  "decodeFrame",
  "decodeUtf8",
  "encode",
  "encodeFrame",
  "encodeUtf8",
  "foldName",
  "inspectFrame",
  "isCookie",
  "isProtocolError",
  "isToken",
  "isInvisible",
  "lookAlikeKey",
  "messageInvalid",
  "messageRefusal",
  "nameInvalid",
  "nameRefusal",
  "normalizeName",
  "opcodeName",
  "parseFoldedName",
  "parseName",
  "validate",
];

const PUBLISHED_TYPES = [
  "ClientPacket",
  "DecodeOptions",
  "Direction",
  "EncodeErrorCode",
  "OpcodeName",
  "Packet",
  "PacketOf",
  "ProtocolErrorCode",
  "RawPacket",
  "Reading",
  "ServerPacket",
  "TextRefusal",
  "ValidateOptions",
];

/** Every name index.ts exports, types included, read from its syntax (no `export *` allowed). */
function exportedNames(): string[] {
  const path = new URL("./index.ts", import.meta.url);
  const source = ts.createSourceFile(
    "index.ts",
    readFileSync(path, "utf8"),
    ts.ScriptTarget.Latest,
  );
  const names: string[] = [];
  for (const statement of source.statements) {
    if (!ts.isExportDeclaration(statement)) continue;
    const clause = statement.exportClause;
    if (clause === undefined || !ts.isNamedExports(clause)) throw new Error("export * in index.ts");
    for (const element of clause.elements) names.push(element.name.text);
  }
  return names.sort();
}

describe("public API", () => {
  it("exports exactly the published names", () => {
    expect(Object.keys(api).sort()).toEqual([...PUBLISHED].sort());
  });

  it("exports exactly the published types besides them", () => {
    expect(exportedNames()).toEqual([...PUBLISHED, ...PUBLISHED_TYPES].sort());
  });

  it("keeps the protocol constants", () => {
    expect(api.HEADER_BYTES).toBe(3);
    expect(api.MAX_DATAGRAM_BYTES).toBe(65_507);
    expect(api.MAX_DATA_BYTES).toBe(65_504);
    expect(api.MAX_NAME_BYTES).toBe(32);
    expect(api.DEFAULT_MAX_MESSAGE_BYTES).toBe(1_024);
    expect(api.MAX_MESSAGE_BYTES_CEILING).toBe(65_504 - 32 - 1);
    expect(api.MAX_UNREGISTERED_REPLY_BYTES).toBe(128);
    expect(api.Opcode).toEqual({
      OK: 0,
      ERROR: 1,
      REGISTER: 11,
      LOGOUT: 12,
      BROADCAST: 20,
      BROADCAST_FWD: 21,
      PRIVATE: 22,
      PRIVATE_FWD: 23,
      INFO_REQUEST: 40,
      INFO_RESPONSE: 41,
      LIST_REQUEST: 42,
      LIST_RESPONSE: 43,
    });
    expect([...api.CLIENT_OPCODES].sort((a, b) => a - b)).toEqual([11, 12, 20, 22, 40, 42]);
    expect([...api.SERVER_OPCODES].sort((a, b) => a - b)).toEqual([0, 1, 21, 23, 41, 43]);
    expect(api.opcodeName(21)).toBe("BROADCAST_FWD");
    expect(api.opcodeName(99)).toBeUndefined();
  });

  it("keeps the protocol defaults of docs/protocol.md#6-abuse-limits", () => {
    expect(api.DEFAULTS).toMatchObject({
      port: 9999,
      maxUsers: 10_000,
      maxUsersPerIp: 16,
      registersPerIpPerMinute: 10,
      listIntervalMs: 30_000,
      userTimeoutMs: 90_000,
      keepAliveIntervalMs: 30_000,
      maxMessageBytes: 1_024,
      packetsPerSecond: 50,
      packetBurst: 100,
      broadcastsPerSecond: 5,
      broadcastBurst: 20,
      unregisteredRepliesPerSecond: 10,
      unregisteredReplyBytesPerSecond: 2_048,
    });
    expect(api.DEFAULTS.exemptNetworks).toEqual(["127.0.0.0/8", "::1/128"]);
  });
});

import { describe, expect, it } from "vitest";
import * as api from "./index.js";

// Other packages code against these names: removing or renaming one is a breaking change
// and must be a deliberate edit of this list (and a changeset).
const PUBLISHED = [
  "CASE_FOLDING_UNICODE_VERSION",
  "CONFUSABLES_UNICODE_VERSION",
  "CLIENT_OPCODES",
  "DEFAULTS",
  "DEFAULT_MAX_MESSAGE_BYTES",
  "EncodeError",
  "ErrorText",
  "HEADER_BYTES",
  "MAX_DATAGRAM_BYTES",
  "MAX_DATA_BYTES",
  "MAX_MESSAGE_BYTES_CEILING",
  "MAX_NAME_BYTES",
  "MAX_UNREGISTERED_REPLY_BYTES",
  "MIN_NAME_BYTES",
  "NOT_VALID_UTF8",
  "NUL",
  "Opcode",
  "ProtocolError",
  "SERVER_OPCODES",
  "assertMessage",
  "assertName",
  "checkMessage",
  "checkMessageBytes",
  "checkName",
  "decode",
  "decodeFoldedName",
  "decodeFrame",
  "decodeMessage",
  "decodeName",
  "decodeUtf8",
  "encode",
  "encodeFrame",
  "encodeUtf8",
  "foldName",
  "isProtocolError",
  "isValidUtf8",
  "malformed",
  "messageInvalid",
  "messageRefusal",
  "nameInvalid",
  "nameRefusal",
  "nameSkeleton",
  "normalizeName",
  "opcodeName",
  "parseFoldedName",
  "parseName",
  "unknownOpcode",
  "utf8Length",
  "validate",
];

describe("public API", () => {
  it("exports exactly the published names", () => {
    expect(Object.keys(api).sort()).toEqual([...PUBLISHED].sort());
  });

  it("keeps the protocol constants", () => {
    expect(api.HEADER_BYTES).toBe(3);
    expect(api.MAX_DATAGRAM_BYTES).toBe(65_507);
    expect(api.MAX_DATA_BYTES).toBe(65_504);
    expect([api.MIN_NAME_BYTES, api.MAX_NAME_BYTES]).toEqual([1, 32]);
    expect(api.DEFAULT_MAX_MESSAGE_BYTES).toBe(1_024);
    expect(api.MAX_MESSAGE_BYTES_CEILING).toBe(65_504 - 32 - 1);
    expect(api.MAX_UNREGISTERED_REPLY_BYTES).toBe(128);
    expect(api.NUL).toBe(0);
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

  it("keeps the protocol defaults of docs/protocol.md section 6", () => {
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

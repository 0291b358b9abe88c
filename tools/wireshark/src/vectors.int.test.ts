import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type UdpRecord, writePcap } from "./pcap.js";
import {
  chatExperts,
  dissectFile,
  dissectorFailures,
  type Frame,
  findTshark,
  infoColumns,
} from "./tshark.js";

interface ValidVector {
  name: string;
  hex: string;
  rules: "pass" | "fail";
  packet: {
    opcode: number;
    name?: string;
    text?: string;
    message?: string;
    sender?: string;
    receiver?: string;
    names?: string[];
    /** Revision 3: a REGISTER's cookie, a LOGOUT/LIST_REQUEST/BROADCAST/PRIVATE's token. */
    cookie?: string;
    token?: string;
  };
}
interface InvalidVector {
  name: string;
  hex: string;
  direction: "any" | "toServer" | "toClient";
  code: string;
}
interface Vectors {
  valid: ValidVector[];
  invalid: InvalidVector[];
}

const vectors = createRequire(import.meta.url)("@chat/protocol/vectors.json") as Vectors;
const SERVER_PORT = 9999;
const CLIENT_PORT = 40_000;
const OTHER_PORT = 7000; // not 9999: only the heuristic can claim these
const TO_SERVER = new Set([11, 12, 20, 22, 40, 42]);
const CHALLENGE_PREFIX = "address check: ";

// The vector's code (packages/protocol's ProtocolErrorCode) and the expert info that flags it.
const EXPERT_FOR_CODE: Record<string, string> = {
  TRUNCATED: "chat_udp.truncated",
  TRAILING_BYTES: "chat_udp.trailing_bytes",
  TOO_LARGE: "chat_udp.too_large",
  UNKNOWN_OPCODE: "chat_udp.unknown_opcode",
  UNEXPECTED_DATA: "chat_udp.unexpected_data",
  MISSING_SEPARATOR: "chat_udp.missing_separator",
  EMPTY_LIST_ENTRY: "chat_udp.empty_list_entry",
  INVALID_UTF8: "chat_udp.invalid_utf8",
};

const toServer = (payload: Uint8Array): UdpRecord => ({
  payload,
  srcPort: CLIENT_PORT,
  dstPort: SERVER_PORT,
});
const toClient = (payload: Uint8Array): UdpRecord => ({
  payload,
  srcPort: SERVER_PORT,
  dstPort: CLIENT_PORT,
});
const bytes = (hex: string) => Buffer.from(hex, "hex");
const utf8Hex = (text: string) => Buffer.from(text, "utf8").toString("hex");
// Wireshark shows control characters escaped; compare the shown text only where there are none.
const printable = (text: string) => !/[\u0000-\u001f\u007f-\u009f]/.test(text);

const tshark = findTshark();
// Skipped only where tshark is not installed (`.ci/run` installs it): there is nothing to run.
describe.skipIf(tshark === undefined)(
  "the Wireshark dissector, on the protocol's test vectors",
  () => {
    const records: UdpRecord[] = [];
    const validAt: number[] = [];
    const invalidAt: number[] = [];
    const heuristicAt: number[] = [];
    const strangersAt: number[] = [];
    const unprovenAt: number[] = [];
    const hostileAt: number[] = [];
    for (const vector of vectors.valid) {
      const payload = bytes(vector.hex);
      validAt.push(records.length);
      records.push(TO_SERVER.has(vector.packet.opcode) ? toServer(payload) : toClient(payload));
    }
    for (const vector of vectors.invalid) {
      const payload = bytes(vector.hex);
      invalidAt.push(records.length);
      records.push(vector.direction === "toClient" ? toClient(payload) : toServer(payload));
    }
    // A conversation on another port, each datagram the way it goes: requests to the
    // server, answers to the client. The heuristic claims it once both sides spoke.
    for (const vector of vectors.valid) {
      heuristicAt.push(records.length);
      const client = CLIENT_PORT + 1;
      records.push(
        TO_SERVER.has(vector.packet.opcode)
          ? { payload: bytes(vector.hex), srcPort: client, dstPort: OTHER_PORT }
          : { payload: bytes(vector.hex), srcPort: OTHER_PORT, dstPort: client },
      );
    }
    // Well formed but unproven: one datagram alone; two one way; answers that contradict
    // who is the client (an OK each way).
    for (const [src, dst, hex] of [
      [CLIENT_PORT + 3, OTHER_PORT + 2, "000000"],
      [CLIENT_PORT + 4, OTHER_PORT + 3, "280000"],
      [CLIENT_PORT + 4, OTHER_PORT + 3, "2a0000"],
      [CLIENT_PORT + 5, OTHER_PORT + 4, "000000"],
      [OTHER_PORT + 4, CLIENT_PORT + 5, "000000"],
    ] as const) {
      unprovenAt.push(records.length);
      records.push({ payload: bytes(hex), srcPort: src, dstPort: dst });
    }
    // What a hostile server forwards: an RLO, C1 CSI, BEL and a braille blank.
    const hostile = Buffer.concat([
      Buffer.from([21, 0, 0]),
      Buffer.from("mallory\u2800\u0000a\u202eb\u009b2J\u0007c\u3164d", "utf8"),
    ]);
    hostile.writeUInt16BE(hostile.length - 3, 1);
    hostileAt.push(records.length);
    records.push(toClient(hostile));
    // Not CHAT UDP: LENGTH that does not match, an unknown opcode, a DNS query.
    for (const hex of [
      "0b0009616c696365",
      "630000",
      "123401000001000000000000037777770000010001",
    ]) {
      strangersAt.push(records.length);
      records.push({ payload: bytes(hex), srcPort: CLIENT_PORT + 2, dstPort: OTHER_PORT + 1 });
    }

    let dir: string;
    let frames: Frame[];
    let info: string[];
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), "chat-udp-dissector-"));
      const file = join(dir, "vectors.pcap");
      writeFileSync(file, writePcap(records));
      frames = await dissectFile(tshark!, file);
      info = await infoColumns(tshark!, file);
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it("dissects every datagram without a Lua error or a caught exception", () => {
      expect(frames).toHaveLength(records.length);
      frames.forEach((frame, index) => {
        const hex = Buffer.from(records[index]!.payload).toString("hex");
        expect(dissectorFailures(frame), `frame ${index + 1}: ${hex}`).toEqual([]);
      });
    });

    it.each(vectors.valid.map((vector, index) => [vector.name, vector, index] as const))(
      "decodes %s",
      (_name, vector, index) => {
        const frame = frames[validAt[index]!]!;
        expectDecoded(frame, vector);
        const experts = chatExperts(frame);
        if (vector.rules === "pass") expect(experts).toEqual([]);
        else {
          // Well formed, but a server refuses the name or the message: a warning, not an error.
          const which = vector.packet.opcode === 11 ? "name" : "message";
          expect(experts).toEqual([`chat_udp.${which}_refused`]);
        }
      },
    );

    it.each(vectors.invalid.map((vector, index) => [vector.name, vector, index] as const))(
      "flags %s as expert info",
      (_name, vector, index) => {
        const frame = frames[invalidAt[index]!]!;
        if (vector.hex === "") {
          // Wireshark's UDP dissector hands an empty payload to no dissector at all: the
          // frame shows as UDP with Length 8, and no CHAT UDP tree can be built.
          expect(frame.one("udp.length")?.show).toBe("8");
          expect(frame.one("chat_udp")).toBeUndefined();
          return;
        }
        expect(frame.one("chat_udp")).toBeDefined();
        expect(chatExperts(frame)).toEqual([EXPERT_FOR_CODE[vector.code]]);
        const message = frame.one("_ws.expert.message")?.show ?? "";
        expect(message.length).toBeGreaterThan(0);
        expect(frame.one("_ws.expert.severity")?.showname).toBe("Severity level: Error");
      },
    );

    it("names which side sent a datagram on the server port", () => {
      const register = frames[validAt[vectors.valid.findIndex((v) => v.packet.opcode === 11)]!]!;
      const ok = frames[validAt[vectors.valid.findIndex((v) => v.packet.opcode === 0)]!]!;
      expect(register.one("chat_udp.direction")?.show).toBe("to server");
      expect(ok.one("chat_udp.direction")?.show).toBe("to client");
    });

    it("claims well-formed datagrams on other ports by its heuristic", () => {
      vectors.valid.forEach((vector, index) => {
        const frame = frames[heuristicAt[index]!]!;
        expectDecoded(frame, vector);
        expect(frame.one("chat_udp.direction")).toBeUndefined();
      });
    });

    it("leaves other UDP traffic on other ports alone", () => {
      for (const at of strangersAt) expect(frames[at]!.one("chat_udp")).toBeUndefined();
    });

    it("claims no conversation on one datagram, one direction or answers both ways", () => {
      for (const at of unprovenAt)
        expect(frames[at]!.one("chat_udp"), `frame ${at + 1}`).toBeUndefined();
    });

    it("escapes bidi overrides, C1 controls and blanks in the Info column as the terminal client does", () => {
      const shown = info[hostileAt[0]!]!;
      expect(shown).toBe("BROADCAST_FWD mallory<U+2800>: a<U+202E>b\\x9b2J\\x07c<U+3164>d");
      expect(shown).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e\u2800\u3164]/u);
    });

    it("shows the opcode's name and the text in the Info column, control characters escaped", () => {
      const infoOf = (name: string) =>
        info[validAt[vectors.valid.findIndex((v) => v.name === name)]!];
      expect(infoOf("BROADCAST_FWD sender NUL message")).toBe("BROADCAST_FWD bob: hi");
      expect(infoOf("PRIVATE receiver NUL message")).toBe("PRIVATE to bob: hey");
      expect(infoOf("LIST_RESPONSE of four names, no trailing NUL")).toBe(
        "LIST_RESPONSE alice, bob, Zoë, Jo",
      );
      expect(infoOf("BROADCAST with TAB and LF")).toBe("BROADCAST a\\tb\\nc");
      expect(infoOf("REGISTER alice with an empty cookie: asks for a token")).toBe(
        "REGISTER alice [asks for a cookie]",
      );
      expect(infoOf("REGISTER alice with a 30-byte cookie, the token of a challenge")).toBe(
        "REGISTER alice [cookie]",
      );
      expect(infoOf("LOGOUT with a token")).toBe("LOGOUT [token]");
      expect(infoOf("PRIVATE bob NUL hey NUL token")).toBe("PRIVATE to bob: hey [token]");
      expect(info[invalidAt[vectors.invalid.findIndex((v) => v.name === "opcode 99")]!]).toBe(
        "opcode 99 [unknown opcode]",
      );
    });
  },
);

function expectDecoded(frame: Frame, vector: ValidVector): void {
  const datagram = bytes(vector.hex);
  const { packet } = vector;
  expect(frame.one("chat_udp.opcode")?.show).toBe(String(packet.opcode));
  expect(frame.one("chat_udp.length")?.show).toBe(String(datagram.readUInt16BE(1)));
  const texts: Array<[string, string | undefined]> = [
    ["chat_udp.username", packet.name],
    ["chat_udp.text", packet.text],
    ["chat_udp.message", packet.message],
    ["chat_udp.sender", packet.sender],
    ["chat_udp.receiver", packet.receiver],
  ];
  for (const [field, expected] of texts) {
    const found = frame.one(field);
    if (expected === undefined) {
      expect(found, field).toBeUndefined();
      continue;
    }
    expect(found?.value, field).toBe(utf8Hex(expected));
    if (printable(expected)) expect(found?.show, field).toBe(expected);
  }
  // Revision 3: the cookie, the token, and the token a challenge (ERROR) hands out.
  const challenged =
    packet.opcode === 1 && packet.text?.startsWith(CHALLENGE_PREFIX)
      ? packet.text.slice(CHALLENGE_PREFIX.length)
      : undefined;
  for (const [field, expected] of [
    ["chat_udp.cookie", packet.cookie],
    ["chat_udp.token", packet.token ?? challenged],
  ] as const) {
    const found = frame.one(field);
    if (expected === undefined) expect(found, field).toBeUndefined();
    else {
      expect(found?.value ?? "", field).toBe(utf8Hex(expected));
      expect(found?.show, field).toBe(expected);
    }
  }
  if (packet.names !== undefined) {
    expect(frame.one("chat_udp.list.count")?.show).toBe(String(packet.names.length));
    expect(frame.all("chat_udp.list.name").map((field) => field.show)).toEqual(packet.names);
  } else {
    expect(frame.one("chat_udp.list.name")).toBeUndefined();
  }
}

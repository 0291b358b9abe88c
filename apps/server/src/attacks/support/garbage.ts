import {
  encode,
  HEADER_BYTES,
  MAX_DATAGRAM_BYTES,
  Opcode,
  type Packet,
  SERVER_OPCODES,
} from "@chat/protocol";
import type { Random } from "./random.js";

/*
 * Hostile datagrams for the daemon: pure noise of any size up to the largest UDP payload,
 * and near-valid mutations of real packets, which reach deeper into the parser than noise
 * (noise nearly always fails the LENGTH check).
 */

const REAL_PACKETS: readonly Packet[] = [
  { opcode: Opcode.REGISTER, name: "mallory" },
  { opcode: Opcode.LOGOUT },
  { opcode: Opcode.BROADCAST, message: "hello everyone, this is fine" },
  { opcode: Opcode.PRIVATE, receiver: "alice", message: "psst" },
  { opcode: Opcode.INFO_REQUEST },
  { opcode: Opcode.LIST_REQUEST },
];

const BAD_UTF8: readonly number[][] = [
  [0xc0, 0x80], // overlong NUL
  [0xe0, 0x80, 0xaf], // overlong '/'
  [0xed, 0xa0, 0x80], // lone surrogate
  [0xf4, 0x90, 0x80, 0x80], // past U+10FFFF
  [0xe2, 0x82], // cut sequence
  [0x80], // stray continuation
  [0xff],
];

const UNKNOWN_OPCODES = Array.from({ length: 256 }, (_, i) => i).filter(
  (opcode) => !Object.values(Opcode).includes(opcode as Opcode),
);
const SERVER_ONLY = [...SERVER_OPCODES];

export type GarbageKind =
  | "noise"
  | "huge-noise"
  | "wrong-length"
  | "cut-string"
  | "bad-utf8"
  | "unknown-opcode"
  | "server-opcode";

const KINDS: readonly GarbageKind[] = [
  "noise",
  "noise",
  "huge-noise",
  "wrong-length",
  "wrong-length",
  "cut-string",
  "bad-utf8",
  "bad-utf8",
  "unknown-opcode",
  "server-opcode",
];

/** One hostile datagram, at most 65,507 bytes. */
export function garbageDatagram(random: Random): { kind: GarbageKind; bytes: Buffer } {
  const kind = random.pick(KINDS);
  return { kind, bytes: build(kind, random) };
}

function build(kind: GarbageKind, random: Random): Buffer {
  switch (kind) {
    case "noise":
      return random.bytes(random.int(0, 64));
    case "huge-noise":
      // Up to the largest IPv4 UDP payload; loopback carries it unfragmented (MTU 65,536).
      return random.bytes(random.int(65, MAX_DATAGRAM_BYTES));
    case "wrong-length": {
      const bytes = Buffer.from(encode(random.pick(REAL_PACKETS)));
      const length = bytes.readUInt16BE(1);
      const wrong = (length + random.pick([-3, -1, 1, 2, 500, 65_535 - length])) & 0xffff;
      bytes.writeUInt16BE(wrong, 1);
      return bytes;
    }
    case "cut-string": {
      const bytes = encode(random.pick(REAL_PACKETS));
      return Buffer.from(bytes.subarray(0, random.int(0, Math.max(0, bytes.length - 1))));
    }
    case "bad-utf8": {
      const opcode = random.pick([Opcode.REGISTER, Opcode.BROADCAST, Opcode.PRIVATE]);
      const head = opcode === Opcode.PRIVATE ? [0x62, 0x6f, 0x62, 0x00] : [];
      const data = Buffer.from([0x61, ...head, ...random.pick(BAD_UTF8), 0x7a]);
      return frame(opcode, data);
    }
    case "unknown-opcode":
      return frame(random.pick(UNKNOWN_OPCODES), random.bytes(random.int(0, 40)));
    case "server-opcode":
      return frame(random.pick(SERVER_ONLY), Buffer.from("alice\0forged forward"));
  }
}

function frame(opcode: number, data: Buffer): Buffer {
  const header = Buffer.alloc(HEADER_BYTES);
  header[0] = opcode;
  header.writeUInt16BE(data.length, 1);
  return Buffer.concat([header, data]);
}

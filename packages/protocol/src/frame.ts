import { malformed, unknownOpcode } from "./errors.js";
import { HEADER_BYTES, MAX_DATA_BYTES, MAX_DATAGRAM_BYTES, NUL } from "./limits.js";
import { CLIENT_OPCODES, isOpcode, Opcode, SERVER_OPCODES } from "./opcodes.js";
import type { Packet } from "./packets.js";

/**
 * The framing and DATA-shape layer: size, opcode and the place of NULs, with text left as
 * raw bytes. A server uses it to answer in the order the protocol sets (size, opcode, shape,
 * registration, receiver, message) and to forward messages without decoding them.
 */

/** A packet with every text field still as bytes (views into the datagram, not copies). */
export type RawPacket = Packet extends infer P
  ? P extends Packet
    ? {
        [K in keyof P]: P[K] extends string
          ? Uint8Array
          : P[K] extends string[]
            ? Uint8Array[]
            : P[K];
      }
    : never
  : never;

/** Which opcodes a decoder accepts: what a server receives, what a client receives, or all. */
export type Direction = "toServer" | "toClient" | "any";

const EMPTY = new Uint8Array(0);

/** Reads OPCODE and LENGTH and checks the size; throws `malformed packet` or `unknown opcode`. */
export function readHeader(
  bytes: Uint8Array,
  direction: Direction = "any",
): { opcode: number; length: number } {
  if (bytes.length < HEADER_BYTES) {
    throw malformed("TRUNCATED", `${bytes.length} bytes is shorter than the 3-byte header`);
  }
  if (bytes.length > MAX_DATAGRAM_BYTES) {
    throw malformed("TOO_LARGE", `${bytes.length} bytes is larger than ${MAX_DATAGRAM_BYTES}`);
  }
  const opcode = bytes[0] as number;
  const length = ((bytes[1] as number) << 8) | (bytes[2] as number);
  const actual = bytes.length - HEADER_BYTES;
  if (actual < length) {
    throw malformed("TRUNCATED", `LENGTH is ${length} but only ${actual} bytes of DATA follow`);
  }
  if (actual > length) {
    throw malformed("TRAILING_BYTES", `LENGTH is ${length} but ${actual} bytes of DATA follow`);
  }
  if (!acceptsOpcode(opcode, direction)) throw unknownOpcode(opcode);
  return { opcode, length };
}

function acceptsOpcode(opcode: number, direction: Direction): boolean {
  if (direction === "toServer") return CLIENT_OPCODES.has(opcode);
  if (direction === "toClient") return SERVER_OPCODES.has(opcode);
  return isOpcode(opcode);
}

/** Decodes framing and DATA shape; text stays as bytes. Throws only ProtocolError. */
export function decodeFrame(bytes: Uint8Array, direction: Direction = "any"): RawPacket {
  const { opcode } = readHeader(bytes, direction);
  const data = bytes.subarray(HEADER_BYTES);
  switch (opcode) {
    case Opcode.OK:
    case Opcode.LOGOUT:
    case Opcode.INFO_REQUEST:
    case Opcode.LIST_REQUEST:
      if (data.length > 0) {
        throw malformed(
          "UNEXPECTED_DATA",
          `opcode ${opcode} carries no DATA but LENGTH is ${data.length}`,
        );
      }
      return { opcode };
    case Opcode.ERROR:
    case Opcode.INFO_RESPONSE:
      return { opcode, text: data };
    case Opcode.REGISTER:
      return { opcode, name: data };
    case Opcode.BROADCAST:
      return { opcode, message: data };
    case Opcode.PRIVATE: {
      const [receiver, message] = splitAtFirstNul(data, "receiver");
      return { opcode, receiver, message };
    }
    case Opcode.BROADCAST_FWD:
    case Opcode.PRIVATE_FWD: {
      const [sender, message] = splitAtFirstNul(data, "sender");
      return { opcode, sender, message };
    }
    case Opcode.LIST_RESPONSE:
      return { opcode, names: splitList(data) };
    default:
      // readHeader has already refused every other opcode.
      throw unknownOpcode(opcode);
  }
}

function splitAtFirstNul(data: Uint8Array, first: string): [Uint8Array, Uint8Array] {
  const at = data.indexOf(NUL);
  if (at < 0) throw malformed("MISSING_SEPARATOR", `no NUL between ${first} and message`);
  return [data.subarray(0, at), data.subarray(at + 1)];
}

function splitList(data: Uint8Array): Uint8Array[] {
  if (data.length === 0) return [];
  const names: Uint8Array[] = [];
  let start = 0;
  for (;;) {
    const at = data.indexOf(NUL, start);
    const end = at < 0 ? data.length : at;
    if (end === start)
      throw malformed("EMPTY_LIST_ENTRY", `empty name at byte ${start} of the list`);
    names.push(data.subarray(start, end));
    if (at < 0) return names;
    start = at + 1;
  }
}

/**
 * Builds one datagram from DATA parts joined by NUL. The caller has checked the parts;
 * this only refuses a DATA too large for the LENGTH field and one datagram.
 */
export function encodeFrame(opcode: number, parts: readonly Uint8Array[] = [EMPTY]): Buffer {
  let length = parts.length > 0 ? parts.length - 1 : 0;
  for (const part of parts) length += part.length;
  if (length > MAX_DATA_BYTES) {
    throw malformed("TOO_LARGE", `DATA of ${length} bytes is larger than ${MAX_DATA_BYTES}`);
  }
  const out = Buffer.allocUnsafe(HEADER_BYTES + length);
  out[0] = opcode;
  out[1] = length >>> 8;
  out[2] = length & 0xff;
  let offset = HEADER_BYTES;
  for (let i = 0; i < parts.length; i++) {
    if (i > 0) out[offset++] = NUL;
    const part = parts[i] as Uint8Array;
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

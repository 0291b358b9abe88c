import { malformed, unknownOpcode } from "./errors.js";
import { HEADER_BYTES, MAX_DATA_BYTES, MAX_DATAGRAM_BYTES, NUL } from "./limits.js";
import { CLIENT_OPCODES, Opcode, SERVER_OPCODES } from "./opcodes.js";
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

// One table lookup per datagram instead of a Set look-up: bit 1 = a client may receive the
// opcode (server → client), bit 2 = a server may receive it (client → server).
const TO_CLIENT = 1;
const TO_SERVER = 2;
const DIRECTIONS = new Uint8Array(256);
for (const opcode of SERVER_OPCODES) DIRECTIONS[opcode] = TO_CLIENT;
for (const opcode of CLIENT_OPCODES) DIRECTIONS[opcode] = TO_SERVER;

function directionMask(direction: Direction): number {
  if (direction === "toServer") return TO_SERVER;
  if (direction === "toClient") return TO_CLIENT;
  return TO_CLIENT | TO_SERVER;
}

/**
 * Checks size, then opcode (the protocol's order) and returns the opcode.
 * Internal: `readHeader` is the public form.
 */
export function readOpcode(bytes: Uint8Array, direction: Direction): number {
  const size = bytes.length;
  if (size < HEADER_BYTES) {
    throw malformed(
      "TRUNCATED",
      `${size} ${size === 1 ? "byte is" : "bytes is"} shorter than the 3-byte header`,
    );
  }
  if (size > MAX_DATAGRAM_BYTES) {
    throw malformed("TOO_LARGE", `${size} bytes is larger than ${MAX_DATAGRAM_BYTES}`);
  }
  const length = ((bytes[1] as number) << 8) | (bytes[2] as number);
  const actual = size - HEADER_BYTES;
  if (actual < length) {
    throw malformed("TRUNCATED", `LENGTH is ${length} but only ${actual} bytes of DATA follow`);
  }
  if (actual > length) {
    throw malformed("TRAILING_BYTES", `LENGTH is ${length} but ${actual} bytes of DATA follow`);
  }
  const opcode = bytes[0] as number;
  if (((DIRECTIONS[opcode] as number) & directionMask(direction)) === 0) {
    throw unknownOpcode(opcode);
  }
  return opcode;
}

/** Reads OPCODE and LENGTH and checks the size; throws `malformed packet` or `unknown opcode`. */
export function readHeader(
  bytes: Uint8Array,
  direction: Direction = "any",
): { opcode: number; length: number } {
  const opcode = readOpcode(bytes, direction);
  return { opcode, length: bytes.length - HEADER_BYTES };
}

/** Refuses DATA on a packet that carries none (0, 12, 40, 42). */
export function checkNoData(bytes: Uint8Array, opcode: number): void {
  const length = bytes.length - HEADER_BYTES;
  if (length > 0) {
    throw malformed("UNEXPECTED_DATA", `opcode ${opcode} carries no DATA but LENGTH is ${length}`);
  }
}

/** Index in the datagram of the first NUL of a two-part DATA (21, 22, 23). */
export function separatorAt(bytes: Uint8Array, first: string): number {
  const at = bytes.indexOf(NUL, HEADER_BYTES);
  if (at < 0) throw malformed("MISSING_SEPARATOR", `no NUL between ${first} and message`);
  return at;
}

/** Refuses a list (43) with an empty entry: a leading, trailing or doubled NUL. */
export function checkList(bytes: Uint8Array): void {
  const end = bytes.length;
  let start = HEADER_BYTES;
  while (start < end) {
    const at = bytes.indexOf(NUL, start);
    if (at === start) throw emptyEntry(start);
    if (at < 0) return;
    start = at + 1;
    if (start === end) throw emptyEntry(start);
  }
}

function emptyEntry(at: number) {
  return malformed("EMPTY_LIST_ENTRY", `empty name at byte ${at - HEADER_BYTES} of the list`);
}

/** Decodes framing and DATA shape; text stays as bytes. Throws only ProtocolError. */
export function decodeFrame(bytes: Uint8Array, direction: Direction = "any"): RawPacket {
  const opcode = readOpcode(bytes, direction);
  switch (opcode) {
    case Opcode.OK:
    case Opcode.LOGOUT:
    case Opcode.INFO_REQUEST:
    case Opcode.LIST_REQUEST:
      checkNoData(bytes, opcode);
      return { opcode };
    case Opcode.ERROR:
    case Opcode.INFO_RESPONSE:
      return { opcode, text: bytes.subarray(HEADER_BYTES) };
    case Opcode.REGISTER:
      return { opcode, name: bytes.subarray(HEADER_BYTES) };
    case Opcode.BROADCAST:
      return { opcode, message: bytes.subarray(HEADER_BYTES) };
    case Opcode.PRIVATE: {
      const at = separatorAt(bytes, "receiver");
      return {
        opcode,
        receiver: bytes.subarray(HEADER_BYTES, at),
        message: bytes.subarray(at + 1),
      };
    }
    case Opcode.BROADCAST_FWD:
    case Opcode.PRIVATE_FWD: {
      const at = separatorAt(bytes, "sender");
      return { opcode, sender: bytes.subarray(HEADER_BYTES, at), message: bytes.subarray(at + 1) };
    }
    case Opcode.LIST_RESPONSE:
      checkList(bytes);
      return { opcode, names: listViews(bytes) };
    default:
      // readOpcode has already refused every other opcode.
      throw unknownOpcode(opcode);
  }
}

/** The entries of a list already checked by `checkList`. */
function listViews(bytes: Uint8Array): Uint8Array[] {
  const names: Uint8Array[] = [];
  const end = bytes.length;
  let start = HEADER_BYTES;
  while (start < end) {
    const at = bytes.indexOf(NUL, start);
    const stop = at < 0 ? end : at;
    names.push(bytes.subarray(start, stop));
    start = stop + 1;
  }
  return names;
}

/** Refuses DATA too large for one datagram. */
export function checkDataLength(length: number): void {
  if (length > MAX_DATA_BYTES) {
    throw malformed("TOO_LARGE", `DATA of ${length} bytes is larger than ${MAX_DATA_BYTES}`);
  }
}

/**
 * Builds one datagram from DATA parts joined by NUL. The caller has checked the parts;
 * this only refuses an opcode that is not a byte and a DATA too large for one datagram.
 * Any byte is accepted as opcode so that tests and the conformance kit can craft unknown ones.
 */
export function encodeFrame(opcode: number, parts: readonly Uint8Array[] = [EMPTY]): Buffer {
  checkOpcodeByte(opcode);
  const count = parts.length;
  let length = count > 0 ? count - 1 : 0;
  for (let i = 0; i < count; i++) length += (parts[i] as Uint8Array).length;
  checkDataLength(length);
  const out = Buffer.allocUnsafe(HEADER_BYTES + length);
  out[0] = opcode;
  out[1] = length >>> 8;
  out[2] = length & 0xff;
  let offset = HEADER_BYTES;
  for (let i = 0; i < count; i++) {
    if (i > 0) out[offset++] = NUL;
    const part = parts[i] as Uint8Array;
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Refuses an opcode that does not fit the one-byte OPCODE field. */
export function checkOpcodeByte(opcode: number): void {
  if (!Number.isInteger(opcode) || opcode < 0 || opcode > 255) {
    throw unknownOpcode(opcode);
  }
}

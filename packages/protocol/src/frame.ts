import type { DataShape } from "./data-shapes.js";
import { EncodeError, type FrameRefusal, malformed, orThrow, unknownOpcode } from "./errors.js";
import { HEADER_BYTES, MAX_DATA_BYTES, MAX_DATAGRAM_BYTES, NUL } from "./limits.js";
import { type Packet, RFC_SHAPES, SHAPES, SPECS } from "./packets.js";

/**
 * The framing layer: size, opcode and the place of NULs, with text left as raw bytes. A
 * server uses it to answer in the order the protocol sets (size, opcode, shape,
 * registration, receiver, message) and to forward messages without decoding them.
 */

/** A packet with every text field still as bytes (views into the datagram, not copies). */
export type RawPacket = Packet extends infer P
  ? P extends Packet
    ? {
        [K in keyof P]: P[K] extends string
          ? Uint8Array
          : P[K] extends string | undefined
            ? Uint8Array | undefined
            : P[K] extends string[]
              ? Uint8Array[]
              : P[K];
      }
    : never
  : never;

/** Which opcodes a decoder accepts: what a server receives, what a client receives, or all. */
export type Direction = "toServer" | "toClient" | "any";

const EMPTY = new Uint8Array(0);

// One byte read per datagram instead of a Set look-up: bit 1 = a client may receive the
// opcode (server → client), bit 2 = a server may receive it (client → server).
const TO_CLIENT = 1;
const TO_SERVER = 2;
const DIRECTIONS = new Uint8Array(256);
SPECS.forEach((spec, opcode) => {
  if (spec !== undefined)
    DIRECTIONS[opcode] = spec.direction === "toClient" ? TO_CLIENT : TO_SERVER;
});

function directionMask(direction: Direction): number {
  if (direction === "toServer") return TO_SERVER;
  if (direction === "toClient") return TO_CLIENT;
  return TO_CLIENT | TO_SERVER;
}

/** Checks size, then opcode (the protocol's order): the opcode, or why the datagram is refused. */
export function checkHeader(bytes: Uint8Array, direction: Direction): number | FrameRefusal {
  const size = bytes.length;
  if (size < HEADER_BYTES) {
    return malformed(
      "TRUNCATED",
      `${size} ${size === 1 ? "byte is" : "bytes is"} shorter than the 3-byte header`,
    );
  }
  if (size > MAX_DATAGRAM_BYTES) {
    return malformed("TOO_LARGE", `${size} bytes is larger than ${MAX_DATAGRAM_BYTES}`);
  }
  const length = ((bytes[1] as number) << 8) | (bytes[2] as number);
  const actual = size - HEADER_BYTES;
  if (actual < length) {
    return malformed("TRUNCATED", `LENGTH is ${length} but only ${actual} bytes of DATA follow`);
  }
  if (actual > length) {
    return malformed("TRAILING_BYTES", `LENGTH is ${length} but ${actual} bytes of DATA follow`);
  }
  const opcode = bytes[0] as number;
  if (((DIRECTIONS[opcode] as number) & directionMask(direction)) === 0) {
    return unknownOpcode(opcode);
  }
  return opcode;
}

/**
 * How DATA is read: with revision 3's optional cookie and token (the default), or as the RFC
 * reads it, which a server uses for a sender that has no session token to send.
 */
export type Reading = "revision3" | "rfc";

/**
 * Framing and DATA shape without throwing: the packet with its text as bytes, or a
 * FrameRefusal saying why not. A server's hot path, where garbage must cost no exception.
 */
export function inspectFrame(
  bytes: Uint8Array,
  direction: Direction = "any",
  reading: Reading = "revision3",
): RawPacket | FrameRefusal {
  const opcode = checkHeader(bytes, direction);
  if (typeof opcode !== "number") return opcode;
  // checkHeader has refused every opcode without a spec.
  const shape = (reading === "rfc" ? RFC_SHAPES : SHAPES)[opcode] as DataShape;
  return shape.frame(bytes, opcode) as RawPacket | FrameRefusal;
}

/** Decodes framing and DATA shape; text stays as bytes. Throws only ProtocolError. */
export function decodeFrame(bytes: Uint8Array, direction: Direction = "any"): RawPacket {
  return orThrow(inspectFrame(bytes, direction));
}

/**
 * A datagram of `HEADER_BYTES + length` bytes with its header written, DATA left to the
 * caller: the one header writer of `encode` and `encodeFrame`.
 */
export function allocDatagram(opcode: number, length: number): Buffer {
  if (length > MAX_DATA_BYTES) {
    throw new EncodeError("TOO_LARGE", `DATA of ${length} bytes is larger than ${MAX_DATA_BYTES}`);
  }
  const out = Buffer.allocUnsafe(HEADER_BYTES + length);
  out[0] = opcode;
  out[1] = length >>> 8;
  out[2] = length & 0xff;
  return out;
}

/**
 * Builds one datagram from DATA parts joined by NUL. The caller has checked the parts;
 * this only refuses (EncodeError) an opcode that is not a byte and a DATA too large for one
 * datagram. Any byte is accepted as opcode so that tests and the conformance kit can craft
 * unknown ones.
 */
export function encodeFrame(opcode: number, parts: readonly Uint8Array[] = [EMPTY]): Buffer {
  if (!Number.isInteger(opcode) || opcode < 0 || opcode > 255) {
    throw new EncodeError("UNKNOWN_OPCODE", `opcode ${opcode} does not fit one byte`);
  }
  const count = parts.length;
  let length = count > 0 ? count - 1 : 0;
  for (let i = 0; i < count; i++) length += (parts[i] as Uint8Array).length;
  const out = allocDatagram(opcode, length);
  let offset = HEADER_BYTES;
  for (let i = 0; i < count; i++) {
    if (i > 0) out[offset++] = NUL;
    const part = parts[i] as Uint8Array;
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

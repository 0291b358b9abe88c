import { encodeUtf8, HEADER_BYTES } from "@chat/protocol";

/** Bytes from text (UTF-8), a byte list, or bytes. */
export type ByteSource = string | readonly number[] | Uint8Array;

export function toBytes(source: ByteSource): Uint8Array {
  if (typeof source === "string") return encodeUtf8(source);
  return Uint8Array.from(source);
}

export function concat(...parts: ByteSource[]): Uint8Array {
  return Buffer.concat(parts.map((part) => toBytes(part)));
}

/**
 * A datagram with any OPCODE, LENGTH and DATA, consistent or not: `frame(11, "bob", 10)` is
 * a REGISTER whose LENGTH says 10 but only 3 bytes follow.
 */
export function frame(opcode: number, data: ByteSource = [], length?: number): Uint8Array {
  const body = toBytes(data);
  const declared = length ?? body.length;
  const out = new Uint8Array(HEADER_BYTES + body.length);
  out[0] = opcode;
  out[1] = (declared >>> 8) & 0xff;
  out[2] = declared & 0xff;
  out.set(body, HEADER_BYTES);
  return out;
}

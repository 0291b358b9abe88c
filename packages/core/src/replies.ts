import {
  ErrorText,
  encodeFrame,
  encodeUtf8,
  HEADER_BYTES,
  MAX_UNREGISTERED_REPLY_BYTES,
  Opcode,
} from "@chat/protocol";

/*
 * Reply packets. The fixed ones are encoded once at load and shared: a Datagram's bytes
 * are read-only to whoever sends them.
 */

export const OK_PACKET: Uint8Array = encodeFrame(Opcode.OK, []);

export function errorPacket(text: string): Uint8Array {
  return encodeFrame(Opcode.ERROR, [encodeUtf8(text)]);
}

export const SHUTTING_DOWN_PACKET = errorPacket(ErrorText.SHUTTING_DOWN);

/**
 * An ERROR for an endpoint that holds no name: at most 128 bytes in all, the text cut at
 * a UTF-8 character boundary when it is longer.
 */
export function smallErrorPacket(text: string): Uint8Array {
  const bytes = encodeUtf8(text);
  return encodeFrame(Opcode.ERROR, [
    truncateUtf8(bytes, MAX_UNREGISTERED_REPLY_BYTES - HEADER_BYTES),
  ]);
}

/** The longest prefix of valid UTF-8 `bytes` that is at most `max` bytes and ends on a character. */
export function truncateUtf8(bytes: Uint8Array, max: number): Uint8Array {
  if (bytes.length <= max) return bytes;
  let end = max;
  // Back off over continuation bytes (10xxxxxx) so no character is cut in two.
  while (end > 0 && ((bytes[end] as number) & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end);
}

import { isUtf8 } from "node:buffer";

/**
 * Strict UTF-8 (RFC 3629): no overlongs, no surrogates, nothing past U+10FFFF.
 * Node's native validator is used because it is both strict and far faster than a JS loop.
 */
export function isValidUtf8(bytes: Uint8Array): boolean {
  return isUtf8(bytes);
}

const fatalDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const encoder = new TextEncoder();

/** Decodes strict UTF-8, or returns `undefined` when the bytes are not valid UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  if (bytes.length === 0) return "";
  if (!isUtf8(bytes)) return undefined;
  return fatalDecoder.decode(bytes);
}

/** UTF-8 bytes of a string; the caller checks `isWellFormed` first where lone surrogates matter. */
export function encodeUtf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Byte length of a string in UTF-8, without encoding it. */
export function utf8Length(text: string): number {
  return Buffer.byteLength(text, "utf8");
}

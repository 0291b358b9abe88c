import { ErrorText } from "./error-texts.js";

/*
 * The address check's wire forms (docs/protocol.md#revision-3-the-address-check): a REGISTER
 * may end in `0x00 cookie`, a checked endpoint's LOGOUT, LIST_REQUEST, BROADCAST and PRIVATE
 * end in its session token, and the server's challenge is ERROR `address check: <token>`.
 * Cookies and tokens are printable ASCII (0x21-0x7E), so they can never be confused with a
 * name or a message (neither may hold a NUL) and print safely anywhere.
 */

/** A cookie is 0 to 64 bytes; an empty one asks the server for a token. */
export const MAX_COOKIE_BYTES = 64;
/** A token the server hands out is 16 to 64 bytes. */
export const MIN_TOKEN_BYTES = 16;
export const MAX_TOKEN_BYTES = MAX_COOKIE_BYTES;

/** Whether bytes[start, end) are printable ASCII, each 0x21 to 0x7E. */
function printableAscii(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const byte = bytes[i] as number;
    if (byte < 0x21 || byte > 0x7e) return false;
  }
  return true;
}

/** A REGISTER's cookie: 0 to 64 printable ASCII bytes. */
export function isCookieBytes(bytes: Uint8Array, start = 0, end = bytes.length): boolean {
  return end - start <= MAX_COOKIE_BYTES && printableAscii(bytes, start, end);
}

/** A token: 16 to 64 printable ASCII bytes (what a challenge carries and packets end in). */
export function isTokenBytes(bytes: Uint8Array, start = 0, end = bytes.length): boolean {
  const length = end - start;
  return (
    length >= MIN_TOKEN_BYTES && length <= MAX_TOKEN_BYTES && printableAscii(bytes, start, end)
  );
}

const COOKIE_TEXT = /^[\x21-\x7e]{0,64}$/;
const TOKEN_TEXT = /^[\x21-\x7e]{16,64}$/;

/** The string forms of the two checks above. */
export function isCookie(text: string): boolean {
  return COOKIE_TEXT.test(text);
}

export function isToken(text: string): boolean {
  return TOKEN_TEXT.test(text);
}

/** The token of an ERROR `address check: <token>`, or undefined when the text is no challenge. */
export function challengeToken(errorText: string): string | undefined {
  if (!errorText.startsWith(ErrorText.ADDRESS_CHECK_PREFIX)) return undefined;
  const token = errorText.slice(ErrorText.ADDRESS_CHECK_PREFIX.length);
  return isToken(token) ? token : undefined;
}

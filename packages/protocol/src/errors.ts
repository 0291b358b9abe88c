import { ErrorText } from "./error-texts.js";

/**
 * The codec's single error type. `code` is stable and machine-readable; `message` is
 * exactly the ERROR text a server sends for it (docs/protocol.md, section 4).
 */
export type ProtocolErrorCode =
  /** Fewer than 3 bytes, or fewer DATA bytes than LENGTH says. */
  | "TRUNCATED"
  /** More DATA bytes than LENGTH says. */
  | "TRAILING_BYTES"
  /** A datagram or DATA larger than the protocol allows. */
  | "TOO_LARGE"
  /** An opcode that is not in the protocol, or not valid in this direction. */
  | "UNKNOWN_OPCODE"
  /** LENGTH > 0 on a packet whose DATA must be empty. */
  | "UNEXPECTED_DATA"
  /** A two-part DATA (sender/receiver NUL message) without its NUL. */
  | "MISSING_SEPARATOR"
  /** A list with an empty entry (leading, trailing or doubled NUL). */
  | "EMPTY_LIST_ENTRY"
  /** Text that is not valid UTF-8 (overlong, surrogate, truncated sequence, …). */
  | "INVALID_UTF8"
  /** A username that breaks the name rules. */
  | "NAME_INVALID"
  /** A message that breaks the message rules. */
  | "MESSAGE_INVALID"
  /** encode(): a field holds a NUL where the wire format cannot carry one. */
  | "FIELD_CONTAINS_NUL";

export class ProtocolError extends Error {
  override readonly name = "ProtocolError";
  constructor(
    readonly code: ProtocolErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function isProtocolError(value: unknown): value is ProtocolError {
  return value instanceof ProtocolError;
}

/** `malformed packet: <reason>` */
export function malformed(code: ProtocolErrorCode, reason: string): ProtocolError {
  return new ProtocolError(code, `${ErrorText.MALFORMED_PREFIX}${reason}`);
}

/** `unknown opcode <n>` */
export function unknownOpcode(opcode: number): ProtocolError {
  return new ProtocolError("UNKNOWN_OPCODE", ErrorText.unknownOpcode(opcode));
}

/** The reason given for text that is not valid UTF-8; it selects the INVALID_UTF8 code. */
export const NOT_VALID_UTF8 = "not valid UTF-8";

/** `username is invalid: <reason>` */
export function nameInvalid(reason: string): ProtocolError {
  const code = reason === NOT_VALID_UTF8 ? "INVALID_UTF8" : "NAME_INVALID";
  return new ProtocolError(code, `${ErrorText.USERNAME_INVALID_PREFIX}${reason}`);
}

/** `message is invalid: <reason>` */
export function messageInvalid(reason: string): ProtocolError {
  const code = reason === NOT_VALID_UTF8 ? "INVALID_UTF8" : "MESSAGE_INVALID";
  return new ProtocolError(code, `${ErrorText.MESSAGE_INVALID_PREFIX}${reason}`);
}

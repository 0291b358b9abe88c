import { ErrorText } from "./error-texts.js";

/**
 * What is wrong with a datagram or a text a peer sent. `code` is stable and machine-readable;
 * `message` is exactly the ERROR text a server sends for it (docs/protocol.md#error-texts).
 * Thrown by the decoders and the text rules; the encoders throw `EncodeError` instead.
 */
export type ProtocolErrorCode =
  /** Fewer than 3 bytes, or fewer DATA bytes than LENGTH says. */
  | "TRUNCATED"
  /** More DATA bytes than LENGTH says. */
  | "TRAILING_BYTES"
  /** A datagram larger than the protocol allows. */
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
  | "MESSAGE_INVALID";

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

/**
 * Why a packet this side built cannot go on the wire: a local mistake, never an answer to
 * a peer (as h11 keeps LocalProtocolError apart from RemoteProtocolError). `message`
 * starts with `cannot encode: `.
 */
export type EncodeErrorCode =
  /** DATA over 65,504 bytes: header + DATA would not fit one datagram. */
  | "TOO_LARGE"
  /** A NUL inside a sender, receiver or list entry, where it would end the field. */
  | "FIELD_CONTAINS_NUL"
  /** An empty list entry, which the wire cannot tell from a doubled NUL. */
  | "EMPTY_LIST_ENTRY"
  /** A string with a lone surrogate, which has no UTF-8 form. */
  | "LONE_SURROGATE"
  /** A packet whose opcode is not in the protocol, or an OPCODE that is not one byte. */
  | "UNKNOWN_OPCODE"
  /** A cookie or token that is not printable ASCII of the allowed length (revision 3). */
  | "INVALID_TOKEN";

export class EncodeError extends Error {
  override readonly name = "EncodeError";
  constructor(
    readonly code: EncodeErrorCode,
    reason: string,
  ) {
    super(`cannot encode: ${reason}`);
  }
}

/**
 * A refused datagram as a value, without an exception or a stack trace: what `inspectFrame`
 * returns, so that a server fed a flood of garbage pays for no throw. `text` is the ERROR text
 * a server sends, `code` the stable code; `toError()` is the same refusal as a ProtocolError.
 */
export class FrameRefusal {
  constructor(
    readonly code: ProtocolErrorCode,
    readonly text: string,
  ) {}

  toError(): ProtocolError {
    return new ProtocolError(this.code, this.text);
  }
}

/** The throwing callers' way (`decode`, `decodeFrame`): the value, or the refusal thrown. */
export function orThrow<T>(value: T | FrameRefusal): T {
  if (value instanceof FrameRefusal) throw value.toError();
  return value;
}

/** `malformed packet: <reason>` */
export function malformed(code: ProtocolErrorCode, reason: string): FrameRefusal {
  return new FrameRefusal(code, `${ErrorText.MALFORMED_PREFIX}${reason}`);
}

/** `unknown opcode <n>` */
export function unknownOpcode(opcode: number): FrameRefusal {
  return new FrameRefusal("UNKNOWN_OPCODE", ErrorText.unknownOpcode(opcode));
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

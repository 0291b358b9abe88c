import { ErrorText, type ProtocolErrorCode } from "@chat/protocol";
import { errorPacket, smallErrorPacket } from "./replies.js";
import type { DropReason, RefusalReason } from "./types.js";

/**
 * A refusal: the ERROR text, its packet (encoded once; short enough for a nameless
 * sender), the codec's code where there is one, and the drop reason it is counted under.
 */
export interface Refusal {
  readonly text: string;
  readonly packet: Uint8Array;
  /** The packet for an endpoint that holds no name: at most 128 bytes. */
  readonly smallPacket: Uint8Array;
  readonly code?: ProtocolErrorCode;
  readonly drop?: DropReason;
  readonly kind: RefusalReason;
}

/** A refusal for this text; fixed texts are made once, at load. */
export function refusal(text: string, code?: ProtocolErrorCode, drop?: DropReason): Refusal {
  const packet = errorPacket(text);
  const small = smallErrorPacket(text);
  const smallPacket = small.length === packet.length ? packet : small;
  return { text, packet, smallPacket, code, drop, kind: refusalKind(text) };
}

const FIXED_KINDS = new Map<string, RefusalReason>([
  [ErrorText.USERNAME_TAKEN, "username-taken"],
  [ErrorText.SERVER_FULL, "server-full"],
  [ErrorText.TOO_MANY_FROM_ADDRESS, "too-many-from-address"],
  [ErrorText.NOT_REGISTERED, "not-registered"],
  [ErrorText.CLUSTER_UNAVAILABLE, "cluster-unavailable"],
  [ErrorText.BANNED, "banned"],
]);

const PREFIX_KINDS: ReadonlyArray<readonly [string, RefusalReason]> = [
  [ErrorText.USERNAME_INVALID_PREFIX, "username-invalid"],
  [ErrorText.MESSAGE_INVALID_PREFIX, "message-invalid"],
  [ErrorText.MALFORMED_PREFIX, "malformed"],
  [ErrorText.unknownOpcode(0).slice(0, -1), "unknown-opcode"],
  [ErrorText.alreadyRegisteredAs(""), "already-registered"],
  [ErrorText.userNotFound(""), "user-not-found"],
];

/** The kind of an ERROR text (for the refusals-by-reason counter). */
export function refusalKind(text: string): RefusalReason {
  const fixed = FIXED_KINDS.get(text);
  if (fixed !== undefined) return fixed;
  for (const [prefix, kind] of PREFIX_KINDS) if (text.startsWith(prefix)) return kind;
  return "other";
}

export const NOT_REGISTERED = refusal(ErrorText.NOT_REGISTERED, undefined, "not-registered");
export const USERNAME_TAKEN = refusal(ErrorText.USERNAME_TAKEN);
export const SERVER_FULL = refusal(ErrorText.SERVER_FULL);
export const TOO_MANY_FROM_ADDRESS = refusal(ErrorText.TOO_MANY_FROM_ADDRESS);
export const RATE_LIMITED = refusal(ErrorText.RATE_LIMITED);
export const BANNED = refusal(ErrorText.BANNED, undefined, "banned");
export const REMOVED_BY_OPERATOR = refusal(ErrorText.REMOVED_BY_OPERATOR);

import { ErrorText, type ProtocolErrorCode } from "@chat/protocol";
import { errorPacket, smallErrorPacket } from "./replies.js";
import type { DropReason } from "./types.js";

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
}

/** A refusal for this text; fixed texts are made once, at load. */
export function refusal(text: string, code?: ProtocolErrorCode, drop?: DropReason): Refusal {
  const packet = errorPacket(text);
  const small = smallErrorPacket(text);
  return { text, packet, smallPacket: small.length === packet.length ? packet : small, code, drop };
}

export const NOT_REGISTERED = refusal(ErrorText.NOT_REGISTERED, undefined, "not-registered");
export const USERNAME_TAKEN = refusal(ErrorText.USERNAME_TAKEN);
export const SERVER_FULL = refusal(ErrorText.SERVER_FULL);
export const TOO_MANY_FROM_ADDRESS = refusal(ErrorText.TOO_MANY_FROM_ADDRESS);
export const RATE_LIMITED = refusal(ErrorText.RATE_LIMITED);
export const BANNED = refusal(ErrorText.BANNED, undefined, "banned");
export const REMOVED_BY_OPERATOR = refusal(ErrorText.REMOVED_BY_OPERATOR);

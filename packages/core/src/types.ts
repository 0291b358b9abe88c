import type { ProtocolErrorCode } from "@chat/protocol";

/*
 * The contract between the sans-IO core and whatever owns the socket (apps/server, tests,
 * benchmarks). Core takes bytes, an endpoint and the time, and returns what to send.
 */

/** A UDP peer: its source address (IPv4 or IPv6 text form) and port. */
export interface Endpoint {
  readonly address: string;
  readonly port: number;
}

/**
 * One datagram to send to one or more endpoints. A broadcast or a list push is one
 * Datagram whose `to` is every registered user: the bytes are encoded once.
 * `to` is never mutated after it is returned (the registry replaces, not edits, its
 * array), so a daemon may send it in slices across several event-loop turns.
 */
export interface Datagram {
  readonly bytes: Uint8Array;
  readonly to: readonly Endpoint[];
}

/** Why a datagram was dropped without a reply or answered with an ERROR. */
export type DropReason =
  | "malformed"
  | "unknown-opcode"
  /** A server→client opcode sent to the server: dropped silently (revision 2). */
  | "server-opcode"
  | "rate-limited"
  | "reply-rate-limited"
  | "not-registered"
  /** Revision 3: a reply an unchecked user's 3x budget could not pay for. */
  | "reply-budget"
  /** Revision 3: a checked user's packet without its session token, or with a wrong one. */
  | "bad-token"
  /** Revision 3: over the per-IP limit on packets from endpoints with no name. */
  | "nameless-rate-limited"
  /** From an address on the deny list: a REGISTER is answered `banned`, the rest dropped. */
  | "banned";

/**
 * Why an ERROR was decided, as a fixed set (a metric label): one per row of
 * docs/protocol.md#error-texts, the free-text ones by their prefix.
 */
export const REFUSAL_REASONS = [
  "username-invalid",
  "username-taken",
  "already-registered",
  "server-full",
  "too-many-from-address",
  "not-registered",
  "user-not-found",
  "message-invalid",
  "malformed",
  "unknown-opcode",
  "cluster-unavailable",
  "banned",
  "other",
] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

/** What happened, as data for the daemon to log or count; core never logs. */
export type CoreEvent =
  | { readonly type: "joined"; readonly name: string; readonly endpoint: Endpoint }
  | { readonly type: "left"; readonly name: string; readonly endpoint: Endpoint }
  | { readonly type: "expired"; readonly name: string; readonly endpoint: Endpoint }
  | {
      readonly type: "refused";
      readonly endpoint: Endpoint;
      /** The ERROR text sent (or that would have been sent, had the reply limit allowed it). */
      readonly reason: string;
      /** The text's kind, from a fixed set. */
      readonly kind: RefusalReason;
      readonly code?: ProtocolErrorCode;
    }
  | { readonly type: "dropped"; readonly endpoint: Endpoint; readonly reason: DropReason }
  /** The operator removed a user: `kicked` by name, or `banned` by a new deny-list entry. */
  | {
      readonly type: "removed";
      readonly name: string;
      readonly endpoint: Endpoint;
      readonly reason: "kicked" | "banned";
    };

import type { Endpoint } from "./types.js";

/*
 * The cluster seam. A ChatServer made with a Directory shares names, broadcasts, PRIVATEs
 * and the user list with other nodes through it; without one (the default) nothing here
 * runs. Core still does no I/O: it calls the directory with what it decided, and the
 * directory answers later through ChatServer's settle/deliver methods, which return
 * datagrams like receive() does.
 */

/** A new name this node wants; answered by `ChatServer.settleClaim(id, outcome, now)`. */
export interface Claim {
  readonly id: number;
  /** NFC, as it will be stored and shown. */
  readonly name: string;
  readonly folded: string;
  /**
   * Look-alike key, NFKC_Casefold(skeleton(NFKC(name))): names clash cluster-wide when their
   * folds or their keys are equal.
   */
  readonly skeleton: string;
  readonly endpoint: Endpoint;
}

export type ClaimOutcome = "ok" | "taken" | "full" | "unavailable";

/** A PRIVATE whose receiver is not on this node; answered by `settlePrivate(id, outcome, now)`. */
export interface RemotePrivate {
  readonly id: number;
  readonly receiverFolded: string;
  /**
   * The PRIVATE_FWD packet, ready for the receiver's node to send as is. Absent when the
   * message is invalid: the receiver is looked up only, as its error comes first.
   */
  readonly forward?: Uint8Array;
}

/** "found": the receiver is on a live node (and, with a forward, it was sent there). */
export type PrivateOutcome = "found" | "not-found" | "unavailable";

export interface Directory {
  /** false while the cluster cannot be reached: new names and remote PRIVATEs are refused. */
  isAvailable(): boolean;
  /** Claims a name cluster-wide; must always be settled, even when the cluster is lost. */
  claim(claim: Claim): void;
  /**
   * A local user left or expired: its name is free again everywhere. With an `id` (a
   * LOGOUT), the release must be settled (`ChatServer.settleRelease`) once it has reached
   * the cluster or failed, so the OK never runs ahead of it.
   */
  release(name: string, folded: string, id?: number): void;
  /**
   * Hands a BROADCAST_FWD to the cluster. true: it comes back through `deliverBroadcast`
   * in the cluster's one order; false: core delivers it to the local users at once.
   */
  publishBroadcast(forward: Uint8Array): boolean;
  /** Routes a PRIVATE to the node holding the receiver; must always be settled. */
  sendPrivate(request: RemotePrivate): void;
  /** Bumped whenever `listNames` would change. */
  listVersion(): number;
  /** Every user of the cluster (this node's too), UTF-8, oldest registration first. */
  listNames(): readonly Uint8Array[];
}

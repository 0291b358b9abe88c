import type { AddressCheckPolicy, AddressTokens } from "./address-check.js";
import type { ClusterSeam } from "./cluster-seam.js";
import type { DenyList } from "./deny-list.js";
import type { InfoCache } from "./info.js";
import type { ListCache } from "./list-cache.js";
import type { Outbox } from "./outbox.js";
import type { RateLimits } from "./rate-limits.js";
import type { Registry } from "./registry.js";
import type { ServerSettings } from "./settings.js";
import type { Counters } from "./stats.js";

/** What every handler works on: one server's state and where its output goes. */
export interface ServerState {
  readonly settings: ServerSettings;
  readonly registry: Registry;
  readonly limits: RateLimits;
  readonly out: Outbox;
  readonly counters: Counters;
  readonly lists: ListCache;
  readonly info: InfoCache;
  /** Revision 3: the address check's tokens and its policy. */
  readonly tokens: AddressTokens;
  readonly policy: AddressCheckPolicy;
  /** Who the operator refuses; replaced whole by ChatServer.deny(). */
  deny: DenyList;
  /** Cluster mode only (cluster-seam.ts). */
  readonly cluster?: ClusterSeam;
}

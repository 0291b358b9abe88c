import type { ChatServer, Datagram } from "@chat/core";

/** What the cluster needs of the node: its core, where datagrams go, and the time. */
export interface ClusterHost {
  readonly core: Pick<
    ChatServer,
    | "settleClaim"
    | "settlePrivate"
    | "settleRelease"
    | "deliverBroadcast"
    | "deliverPrivate"
    | "evict"
    | "users"
  >;
  /** Sends what core returned (and drains core's events). */
  output(datagrams: readonly Datagram[]): void;
  now(): number;
}

/** pino's shape, so the daemon's logger fits. */
export interface ClusterLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export interface ClusterStats {
  readonly node: string;
  readonly available: boolean;
  /** Users of the whole cluster, as this node's list has them. */
  readonly users: number;
  readonly broadcastsPublished: number;
  /** Broadcasts whose publish failed in flight (not delivered anywhere by this node). */
  readonly broadcastsLost: number;
  /** Bus messages trimmed off the stream before this node read them (it resyncs its list). */
  readonly busMessagesMissed: number;
  /** Bus and inbox entries refused (not this version's format, or not what the codec allows). */
  readonly busMessagesDropped: number;
  readonly syncs: number;
}

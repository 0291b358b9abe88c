import type { RedisOptions } from "ioredis";

/** The cluster's settings; only `url` is required. */
export interface ClusterOptions {
  /** `redis://host:port`, `rediss://…` (TLS) or `unix:///path/to/redis.sock`. */
  readonly url: string;
  /** Put before every key and channel, so two clusters can share one Redis. */
  readonly prefix?: string;
  /** A node whose lease runs out is dead: its names are freed. */
  readonly leaseMs?: number;
  readonly renewMs?: number;
  /** A command that takes longer fails (and the node resyncs); nothing waits forever. */
  readonly commandTimeoutMs?: number;
  /** This node's id on the bus; random by default. */
  readonly nodeId?: string;
}

export const CLUSTER_DEFAULTS = {
  prefix: "chat:",
  leaseMs: 3000,
  renewMs: 1000,
  commandTimeoutMs: 2000,
} as const;

/** A prefix is printable, without spaces or newlines, at most 64 bytes. */
export function checkPrefix(prefix: string): string {
  if (!/^[\x21-\x7e]{0,64}$/.test(prefix)) {
    throw new RangeError("cluster prefix must be up to 64 printable ASCII characters, no spaces");
  }
  return prefix;
}

/**
 * ioredis settings that never queue a command while disconnected (it fails at once) and
 * never resend one after a reconnect (a resent broadcast would arrive twice).
 */
export function redisOptions(url: string, commandTimeoutMs: number): RedisOptions {
  const failFast: RedisOptions = {
    lazyConnect: true,
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    autoResubscribe: false,
    maxRetriesPerRequest: 0,
    commandTimeout: commandTimeoutMs,
    connectTimeout: commandTimeoutMs,
    retryStrategy: (times: number) => Math.min(100 * times, 500),
  };
  if (url.startsWith("unix://")) return { ...failFast, path: url.slice("unix://".length) };
  const parsed = new URL(url);
  if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:") {
    throw new RangeError(`cluster URL must start with redis://, rediss:// or unix://: ${url}`);
  }
  const db = parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0;
  return {
    ...failFast,
    host: parsed.hostname.replace(/^\[|\]$/g, "") || "127.0.0.1",
    port: parsed.port === "" ? 6379 : Number(parsed.port),
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(Number.isSafeInteger(db) ? { db } : {}),
    ...(parsed.protocol === "rediss:" ? { tls: {} } : {}),
  };
}

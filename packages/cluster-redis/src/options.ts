import type { RedisOptions } from "ioredis";

/** The cluster's settings; only `url` is required. */
export interface ClusterOptions {
  /**
   * `redis://host:port`, `rediss://…` (TLS), `unix:///path/to/redis.sock`, or through
   * Sentinel `redis+sentinel://[user:password@]host:port[,host:port…]/<master-name>`
   * (`rediss+sentinel://` for TLS).
   */
  readonly url: string;
  /** Put before every key, so two clusters can share one Redis. */
  readonly prefix?: string;
  /** A node whose lease runs out is dead: its names are freed. */
  readonly leaseMs?: number;
  readonly renewMs?: number;
  /** A command that takes longer fails (and the node resyncs); nothing waits forever. */
  readonly commandTimeoutMs?: number;
  /** This node's id on the bus; random by default. */
  readonly nodeId?: string;
  /**
   * Bus entries Redis keeps (at least): how far behind a node may fall and still deliver
   * every broadcast it missed. Farther behind, it resyncs its list and counts what it lost.
   */
  readonly busLength?: number;
  /** PRIVATEs kept per node in its inbox stream, likewise. */
  readonly inboxLength?: number;
}

export const CLUSTER_DEFAULTS = {
  prefix: "chat:",
  leaseMs: 3000,
  renewMs: 1000,
  commandTimeoutMs: 2000,
  busLength: 10_000,
  inboxLength: 1_000,
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
  const sentinel = /^(rediss?)\+sentinel:\/\/(?:([^@/]*)@)?([^@/]+)\/([^/?#]+)$/.exec(url);
  if (sentinel !== null) {
    const [, scheme, credentials, hosts, master] = sentinel as unknown as [
      string,
      string,
      string | undefined,
      string,
      string,
    ];
    const auth = parseCredentials(credentials);
    const tls =
      scheme === "rediss" ? { tls: {}, sentinelTLS: {}, enableTLSForSentinelMode: true } : {};
    return {
      ...failFast,
      sentinels: hosts.split(",").map((host) => hostAndPort(host, 26379, url)),
      name: decodeURIComponent(master),
      // The same credentials for the sentinels and the master: give both the same password.
      ...(auth.username === undefined
        ? {}
        : { username: auth.username, sentinelUsername: auth.username }),
      ...(auth.password === undefined
        ? {}
        : { password: auth.password, sentinelPassword: auth.password }),
      sentinelRetryStrategy: (times: number) => Math.min(100 * times, 500),
      sentinelCommandTimeout: commandTimeoutMs,
      // A dead master drops the connections, and the reconnect asks the sentinels again. A
      // master demoted alive answers writes with READONLY: reconnect then too (never
      // resending the command). ioredis's failoverDetector is left off: in tests under load
      // its disconnect on +switch-master, arriving while the client was reconnecting,
      // left a node without a connection for good.
      reconnectOnError: (error: Error) => (error.message.startsWith("READONLY") ? 1 : false),
      ...tls,
    };
  }
  const parsed = new URL(url);
  if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:") {
    throw new RangeError(
      `cluster URL must start with redis://, rediss://, redis+sentinel://, rediss+sentinel:// or unix://: ${url}`,
    );
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

function parseCredentials(text: string | undefined): { username?: string; password?: string } {
  if (text === undefined || text === "") return {};
  const colon = text.indexOf(":");
  if (colon < 0) return { username: decodeURIComponent(text) };
  const username = decodeURIComponent(text.slice(0, colon));
  const password = decodeURIComponent(text.slice(colon + 1));
  return { ...(username === "" ? {} : { username }), password };
}

/** `host:port`, `[v6]:port` or a bare host. */
function hostAndPort(
  text: string,
  defaultPort: number,
  url: string,
): { host: string; port: number } {
  const match = /^(\[[^\]]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(text);
  const port = match?.[2] === undefined ? defaultPort : Number(match[2]);
  if (match === null || port < 1 || port > 65535) {
    throw new RangeError(
      `cluster URL has a sentinel address that is not host:port (${text}): ${url}`,
    );
  }
  return { host: (match[1] as string).replace(/^\[|\]$/g, ""), port };
}

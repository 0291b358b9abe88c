import { Redis } from "ioredis";
import { CLUSTER_DEFAULTS, redisOptions } from "./options.js";

/** What a RedisWatch reports: each connection error's reason, and each time Redis is back. */
export interface RedisWatchEvents {
  /** e.g. "ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:6379", "WRONGPASS: invalid …". */
  error(reason: string): void;
  ready(): void;
}

/**
 * A connection of its own that says why Redis cannot be reached (refused, wrong password,
 * no password, timeout) while the directory's connections only know that it cannot: for
 * the daemon's log and readiness. It reconnects like the directory does (every 0.5 s at
 * most), so its errors come as often as that; the caller rate-limits what it logs.
 */
export class RedisWatch {
  readonly #redis: Redis;

  constructor(
    url: string,
    private readonly events: RedisWatchEvents,
    commandTimeoutMs: number = CLUSTER_DEFAULTS.commandTimeoutMs,
  ) {
    this.#redis = new Redis(redisOptions(url, commandTimeoutMs));
  }

  start(): void {
    this.#redis.on("error", (error: Error) => this.events.error(describeRedisError(error)));
    this.#redis.on("ready", () => this.events.ready());
    this.#redis.connect().catch(() => {}); // "error" has said why
  }

  close(): void {
    this.#redis.disconnect();
  }
}

/** The error's code (a system error's, or the first word of Redis's reply) and its text. */
export function describeRedisError(error: Error): string {
  const code = (error as { code?: unknown }).code;
  const word = /^([A-Z][A-Z_]+) /.exec(error.message)?.[1];
  const label = typeof code === "string" ? code : (word ?? error.name);
  const text = word !== undefined ? error.message.slice(word.length + 1) : error.message;
  return `${label}: ${text}`;
}

import { DEFAULT_MAX_MESSAGE_BYTES, DEFAULTS } from "@chat/protocol";
import type { RetryPolicy } from "./retry.js";
import type { ClientOptions } from "./types.js";

/** ClientOptions with every default filled in. */
export interface Settings extends RetryPolicy {
  host: string;
  port: number;
  confirmTimeoutMs: number;
  keepAliveMs: number;
  deadAfterMissed: number;
  autoReregister: boolean;
  maxMessageBytes: number;
  listMergeMs: number;
  /** Cap on the wait between two rounds of re-registration. */
  reregisterMaxDelayMs: number;
}

export const CLIENT_DEFAULTS = {
  requestTimeoutMs: 500,
  retries: 5,
  confirmTimeoutMs: 2_000,
  keepAliveMs: DEFAULTS.keepAliveIntervalMs,
  deadAfterMissed: 3,
  autoReregister: true,
  listMergeMs: 50,
} as const;

export function resolveSettings(options: ClientOptions): Settings {
  const timeoutMs = positive(options.requestTimeoutMs, CLIENT_DEFAULTS.requestTimeoutMs);
  const keepAliveMs = options.keepAliveMs ?? CLIENT_DEFAULTS.keepAliveMs;
  return {
    host: options.host,
    port: options.port,
    timeoutMs,
    retries: Math.max(0, Math.floor(options.retries ?? CLIENT_DEFAULTS.retries)),
    maxDelayMs: positive(options.maxRetryDelayMs, 4 * timeoutMs),
    confirmTimeoutMs: positive(options.confirmTimeoutMs, CLIENT_DEFAULTS.confirmTimeoutMs),
    keepAliveMs: Math.max(0, keepAliveMs),
    deadAfterMissed: Math.max(1, options.deadAfterMissed ?? CLIENT_DEFAULTS.deadAfterMissed),
    autoReregister: options.autoReregister ?? CLIENT_DEFAULTS.autoReregister,
    maxMessageBytes: options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
    listMergeMs: Math.max(0, options.listMergeMs ?? CLIENT_DEFAULTS.listMergeMs),
    reregisterMaxDelayMs: keepAliveMs > 0 ? keepAliveMs : DEFAULTS.keepAliveIntervalMs,
  };
}

function positive(value: number | undefined, fallback: number): number {
  return value !== undefined && value > 0 ? value : fallback;
}

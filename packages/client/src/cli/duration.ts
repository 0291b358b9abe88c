import { CommandLineError } from "./command-line.js";

/**
 * The longest delay a Node.js timer holds: 2^31 - 1 ms (about 24.8 days). A longer one
 * fires after 1 ms instead (with a TimeoutOverflowWarning), so a command that took it would
 * silently do something else than asked: every command refuses it (exit 2).
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** The longest number of seconds a timer holds, for messages. */
const MAX_TIMER_S = Math.floor(MAX_TIMER_MS / 1000);

export interface DurationRule {
  /** Whether 0 is allowed (it usually means "never"); otherwise at least 1 ms. */
  readonly zero?: boolean;
}

/**
 * A duration in seconds (decimals allowed, e.g. `0.5`), as milliseconds. Throws a
 * CommandLineError naming `label` for text that is not a number, for a duration below
 * 1 ms (unless `zero` allows exactly 0) and for one longer than a timer holds.
 */
export function parseSeconds(text: string, label: string, rule: DurationRule = {}): number {
  if (!/^\d+(\.\d+)?$/.test(text)) {
    throw new CommandLineError(`${label}: ${JSON.stringify(text)} is not a number of seconds`);
  }
  return checkTimerMs(Math.round(Number(text) * 1000), `${label} ${text}`, rule, "s");
}

/** Like parseSeconds, for a whole number of milliseconds. */
export function parseMilliseconds(text: string, label: string, rule: DurationRule = {}): number {
  if (!/^\d+$/.test(text)) {
    throw new CommandLineError(`${label}: ${JSON.stringify(text)} is not a whole number of ms`);
  }
  return checkTimerMs(Number(text), `${label} ${text}`, rule, "ms");
}

function checkTimerMs(ms: number, what: string, rule: DurationRule, unit: "s" | "ms"): number {
  if (ms === 0 && rule.zero) return 0;
  if (!(ms >= 1)) throw new CommandLineError(`${what}: must be at least 1 ms`);
  if (ms > MAX_TIMER_MS) {
    const limit = unit === "s" ? `${MAX_TIMER_S} seconds` : `${MAX_TIMER_MS} ms`;
    throw new CommandLineError(`${what}: longer than a timer can wait (at most ${limit})`);
  }
  return ms;
}

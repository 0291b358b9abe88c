import {
  CommandLineError,
  type CommandLineValues,
  parseHostPort,
  parseMilliseconds,
  parseSeconds,
  readCommandLine,
} from "@chat/client/cli";
import { MAX_MESSAGE_BYTES_CEILING } from "@chat/protocol";
import type { Target } from "./probe.js";
import { DEFAULT_SETTINGS, type Settings } from "./settings.js";

export interface CliOptions {
  readonly target: Target;
  /** Further --target flags: other nodes of the same cluster. */
  readonly others: readonly Target[];
  readonly settings: Settings;
  readonly only: string | undefined;
  readonly json: boolean;
}

export type ParsedArgs =
  | { readonly kind: "run"; readonly options: CliOptions }
  | { readonly kind: "help" }
  | { readonly kind: "error"; readonly message: string };

export const USAGE = `Usage: chat-conformance --target HOST:PORT [options]

Checks a CHAT UDP server against every rule of docs/protocol.md, over UDP. Given a second
--target (another node of the same cluster), it also checks across the nodes: names, BROADCAST,
PRIVATE and LIST span them.

Tell it the settings the target runs with:
  --user-timeout <s>       seconds of silence before a user is removed (default ${DEFAULT_SETTINGS.userTimeoutS}; 0 = off)
  --list-interval <s>      seconds between list pushes (default ${DEFAULT_SETTINGS.listIntervalS}; 0 = off)
  --max-message <bytes>    largest message accepted (default ${DEFAULT_SETTINGS.maxMessageBytes})
  --max-users <n>          most users present at once (default ${DEFAULT_SETTINGS.maxUsers}; checked when <= 64)
  --max-users-per-ip <n>   most names per IP address (default ${DEFAULT_SETTINGS.maxUsersPerIp})
  --registers-per-minute <n>  REGISTERs per IP address a minute (default ${DEFAULT_SETTINGS.registersPerMinute})
  --rate-limited           the target enforces per-endpoint rate limits (default)
  --no-rate-limit          it does not: skip the rate-limit checks
  --per-ip-limits          per-IP limits apply to this tester's address (it is not exempt)
  --no-address-check       the target does not speak revision 3's address check (an RFC
                           server): skip those checks (group 6)
  --address-check-always   the target runs --address-check always and this tester's address
                           is not exempt: check that a plain REGISTER is challenged

Choose what runs and how:
  --only <pattern>         comma-separated ids ("3.2"), sections ("3", "liveness") or words of a title
  --slow                   run the liveness and list-push checks even when their timers are long
  --timeout <ms>           how long to wait for each reply (default ${DEFAULT_SETTINGS.timeoutMs})
  --silence <ms>           how long to wait to be sure nothing arrives (default ${DEFAULT_SETTINGS.silenceMs})
  --json                   print the results as JSON
  -h, --help               show this help

Exit status: 0 when no check failed, 1 when one did, 2 on bad options.`;

/** Parses the command line; a leading literal "--" (from `pnpm conformance -- …`) is ignored. */
export function parseCliArgs(argv: readonly string[]): ParsedArgs {
  let values: CommandLineValues<typeof FLAGS>;
  try {
    values = readCommandLine(argv, FLAGS);
  } catch (error) {
    if (error instanceof CommandLineError) return { kind: "error", message: error.message };
    throw error;
  }
  if (values.help) return { kind: "help" };
  try {
    return { kind: "run", options: toOptions(values) };
  } catch (error) {
    if (error instanceof UsageError) return { kind: "error", message: error.message };
    throw error;
  }
}

const FLAGS = {
  target: { type: "string", multiple: true },
  "user-timeout": { type: "string" },
  "list-interval": { type: "string" },
  "max-message": { type: "string" },
  "max-users": { type: "string" },
  "max-users-per-ip": { type: "string" },
  "registers-per-minute": { type: "string" },
  "rate-limited": { type: "boolean" },
  "no-rate-limit": { type: "boolean" },
  "per-ip-limits": { type: "boolean" },
  "no-address-check": { type: "boolean" },
  "address-check-always": { type: "boolean" },
  only: { type: "string" },
  slow: { type: "boolean" },
  timeout: { type: "string" },
  silence: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

class UsageError extends Error {}

function toOptions(values: CommandLineValues<typeof FLAGS>): CliOptions {
  const [first, ...rest] = values.target ?? [];
  if (first === undefined) throw new UsageError("--target HOST:PORT is required");
  if (values["rate-limited"] && values["no-rate-limit"]) {
    throw new UsageError("--rate-limited and --no-rate-limit contradict each other");
  }
  if (values["no-address-check"] && values["address-check-always"]) {
    throw new UsageError("--no-address-check and --address-check-always contradict each other");
  }
  const d = DEFAULT_SETTINGS;
  const settings: Settings = {
    userTimeoutS: seconds(values["user-timeout"], "--user-timeout", d.userTimeoutS),
    listIntervalS: seconds(values["list-interval"], "--list-interval", d.listIntervalS),
    maxMessageBytes: integer(values["max-message"], "--max-message", d.maxMessageBytes, 1),
    maxUsers: integer(values["max-users"], "--max-users", d.maxUsers, 1),
    maxUsersPerIp: integer(values["max-users-per-ip"], "--max-users-per-ip", d.maxUsersPerIp, 1),
    registersPerMinute: integer(
      values["registers-per-minute"],
      "--registers-per-minute",
      d.registersPerMinute,
      1,
    ),
    rateLimited: !values["no-rate-limit"],
    perIpLimits: values["per-ip-limits"] ?? false,
    addressCheck: !values["no-address-check"],
    addressCheckAlways: values["address-check-always"] ?? false,
    slow: values.slow ?? false,
    timeoutMs: milliseconds(values.timeout, "--timeout", d.timeoutMs),
    silenceMs: milliseconds(values.silence, "--silence", d.silenceMs),
  };
  if (settings.maxMessageBytes > MAX_MESSAGE_BYTES_CEILING) {
    throw new UsageError(`--max-message must be at most ${MAX_MESSAGE_BYTES_CEILING}`);
  }
  return {
    target: parseTarget(first),
    others: rest.map(parseTarget),
    settings,
    only: values.only,
    json: values.json ?? false,
  };
}

/** `host:port`, `[v6-address]:port`. */
export function parseTarget(text: string): Target {
  try {
    return parseHostPort(text.trim(), "--target");
  } catch (error) {
    if (error instanceof CommandLineError) throw new UsageError(error.message);
    throw error;
  }
}

/*
 * Durations become timers, and a timer fires at once past 2^31 - 1 ms: the shared readers
 * refuse what a timer cannot hold (exit 2), as every command does.
 */
function seconds(text: string | undefined, flag: string, fallback: number): number {
  if (text === undefined) return fallback;
  return usage(() => parseSeconds(text, flag, { zero: true })) / 1000;
}

function milliseconds(text: string | undefined, flag: string, fallback: number): number {
  if (text === undefined) return fallback;
  return usage(() => parseMilliseconds(text, flag));
}

function usage<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof CommandLineError) throw new UsageError(error.message);
    throw error;
  }
}

function number(text: string | undefined, flag: string, fallback: number, min: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value) || value < min) {
    throw new UsageError(`${flag} must be a number of at least ${min}, got "${text}"`);
  }
  return value;
}

function integer(text: string | undefined, flag: string, fallback: number, min: number): number {
  const value = number(text, flag, fallback, min);
  if (!Number.isInteger(value))
    throw new UsageError(`${flag} must be a whole number, got "${text}"`);
  return value;
}

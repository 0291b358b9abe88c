import { isIP } from "node:net";
import { CommandLineError, MAX_TIMER_MS, readCommandLine } from "@chat/client/cli";
import { resolveSettings, type ServerSettings } from "@chat/core";
import { TRANSPORTS, type TransportChoice } from "./link.js";
import {
  DAEMON_DEFAULTS,
  helpText,
  LOG_LEVELS,
  type LogLevel,
  OPTIONS,
  type OptionSpec,
} from "./options.js";
import { redactUrls } from "./redact.js";

/** Everything the daemon needs to start, fully checked. */
export interface DaemonConfig {
  readonly host: string;
  readonly port: number;
  readonly logLevel: LogLevel;
  /** undefined: pretty when stdout is a terminal. */
  readonly pretty: boolean | undefined;
  /** 0: no stats lines. */
  readonly statsIntervalMs: number;
  /** Where to serve /metrics and /healthz; undefined: nowhere (the default). */
  readonly metrics?: ListenAddress;
  readonly transport: TransportChoice;
  readonly settings: ServerSettings;
  /** Cluster mode's Redis URL; undefined: one process, nothing shared. */
  readonly cluster?: string;
  readonly clusterPrefix: string;
  /** The address check's shared secret (read at start); undefined: a random one per process. */
  readonly addressSecretFile?: string;
  /** Operations (ops-options.ts); each undefined when not given. */
  readonly envFile?: string;
  readonly denyFile?: string;
  readonly adminSocket?: string;
  /** undefined: the host name. */
  readonly nodeName?: string;
  readonly strictEnv: boolean;
  readonly clusterPasswordFile?: string;
}

/** An HTTP listener's address: an IP literal and a TCP port (0: any free one). */
export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

export type Command =
  | { readonly kind: "run"; readonly config: DaemonConfig }
  | { readonly kind: "help"; readonly text: string }
  | { readonly kind: "version"; readonly text: string };

/** A bad flag or variable. `message` is one line, ready for stderr. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

export type Environment = Readonly<Record<string, string | undefined>>;

const PARSE_OPTIONS = Object.fromEntries([
  ...OPTIONS.map((spec) => [
    spec.flag,
    { type: isFlag(spec) ? ("boolean" as const) : ("string" as const) },
  ]),
  ["help", { type: "boolean" as const, short: "h" }],
  ["version", { type: "boolean" as const, short: "v" }],
]);

/**
 * Reads the command line and the environment (flags win) into a checked configuration.
 * Pure: no I/O, so every rule is unit-tested. Throws ConfigError for any bad value.
 */
export function parseCommand(argv: readonly string[], env: Environment, version: string): Command {
  const flags = readFlags(argv);
  if (flags.help === true) return { kind: "help", text: helpText(resolveSettings({ version })) };
  if (flags.version === true) return { kind: "version", text: `chat-server ${version}\n` };

  const partial: Record<string, unknown> = { version };
  const daemon: Record<string, unknown> = { ...DAEMON_DEFAULTS, pretty: undefined };
  const sources = new Map<string, string>();
  for (const spec of OPTIONS) {
    const fromFlag = flags[spec.flag];
    const raw = fromFlag !== undefined ? fromFlag : env[spec.env];
    if (raw === undefined) continue;
    const source = fromFlag !== undefined ? `--${spec.flag}` : spec.env;
    // An empty variable counts as unset (as compose files write them); an empty flag is an error.
    if (fromFlag === undefined && raw === "" && spec.kind !== "networks") continue;
    const value = readValue(spec, raw, source);
    if ("core" in spec.target) {
      partial[spec.target.core] = value;
      sources.set(spec.target.core, source);
    } else {
      daemon[spec.target.daemon] = value;
    }
  }
  let settings: ServerSettings;
  try {
    settings = resolveSettings(partial as Partial<ServerSettings>);
  } catch (error) {
    throw new ConfigError(blame(error, sources));
  }
  return {
    kind: "run",
    config: {
      host: daemon.host as string,
      port: daemon.port as number,
      logLevel: daemon.logLevel as LogLevel,
      pretty: daemon.pretty as boolean | undefined,
      statsIntervalMs: daemon.statsIntervalMs as number,
      metrics: daemon.metrics as ListenAddress | undefined,
      transport: daemon.transport as TransportChoice,
      settings,
      ...(daemon.cluster === undefined ? {} : { cluster: daemon.cluster as string }),
      clusterPrefix: daemon.clusterPrefix as string,
      ...opsFields(daemon),
    },
  };
}

/** The operations settings that were given (ops-options.ts). */
function opsFields(daemon: Record<string, unknown>) {
  const given = <T>(key: string) => (daemon[key] === undefined ? {} : { [key]: daemon[key] as T });
  return {
    ...given<string>("envFile"),
    ...given<string>("denyFile"),
    ...given<string>("adminSocket"),
    ...given<string>("nodeName"),
    strictEnv: daemon.strictEnv === true,
    ...given<string>("clusterPasswordFile"),
    ...given<string>("addressSecretFile"),
  };
}

type Flags = Record<string, string | boolean | undefined>;

/** The one way every chat-udp command reads flags (strict, a flag given twice refused). */
function readFlags(argv: readonly string[]): Flags {
  try {
    return readCommandLine(argv, PARSE_OPTIONS) as Flags;
  } catch (error) {
    if (error instanceof CommandLineError) throw new ConfigError(error.message);
    throw error;
  }
}

const ADDRESS_CHECK_MODES: readonly string[] = ["auto", "always", "off"];

function isFlag(spec: OptionSpec): boolean {
  return spec.kind === "flag" || spec.kind === "negated-flag";
}

function readValue(spec: OptionSpec, raw: string | boolean, source: string): unknown {
  // A URL's password never reaches stderr or a log, even when the URL is malformed.
  const shown = typeof raw === "string" && spec.kind === "redis-url" ? redactUrls(raw) : raw;
  const bad = (why: string) => new ConfigError(`${source}: ${JSON.stringify(shown)} ${why}`);
  if (typeof raw === "boolean") return spec.kind === "negated-flag" ? !raw : raw;
  const text = raw.trim();
  switch (spec.kind) {
    case "flag":
    case "negated-flag": {
      // Only the environment reaches here; its value names the setting's state directly.
      const value = readBoolean(text);
      if (value === undefined) throw bad("is not one of 1, 0, true, false, yes, no, on, off");
      return value;
    }
    case "ip":
      if (isIP(text) === 0) throw bad("is not an IPv4 or IPv6 address");
      return text;
    case "port": {
      const port = /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN;
      if (!(port >= 0 && port <= 65_535)) throw bad("is not a port from 0 to 65535");
      return port;
    }
    case "count":
      if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
        throw bad("is not a whole number");
      }
      return Number(text);
    case "rate":
      if (!/^\d+(\.\d+)?$/.test(text)) throw bad("is not a number");
      return Number(text);
    case "seconds": {
      if (!/^\d+(\.\d+)?$/.test(text)) throw bad("is not a number of seconds");
      const ms = Math.round(Number(text) * 1000);
      if (ms > MAX_TIMER_MS) throw bad(`is more than ${Math.floor(MAX_TIMER_MS / 1000)} seconds`);
      return ms;
    }
    case "networks":
      return text === "" ? [] : text.split(",").map((part) => part.trim());
    case "level":
      if (!(LOG_LEVELS as readonly string[]).includes(text)) {
        throw bad(`is not a log level (${LOG_LEVELS.join(", ")})`);
      }
      return text;
    case "listen":
      return readListenAddress(text, bad);
    case "transport":
      if (!(TRANSPORTS as readonly string[]).includes(text)) {
        throw bad(`is not a transport (${TRANSPORTS.join(", ")})`);
      }
      return text;
    case "address-check":
      if (!ADDRESS_CHECK_MODES.includes(text)) {
        throw bad(`is not an address-check mode (${ADDRESS_CHECK_MODES.join(", ")})`);
      }
      return text;
    case "text":
      return text;
    case "key-prefix":
      if (!/^[\x21-\x7e]{0,64}$/.test(text)) {
        throw bad("is not up to 64 printable ASCII characters without spaces");
      }
      return text;
    case "path":
      if (text === "") throw bad("is not a path");
      return text;
    case "node-name":
      if (!/^[\x21-\x7e]{1,64}$/.test(text)) {
        throw bad("is not 1 to 64 printable ASCII characters without spaces");
      }
      return text;
    case "redis-url":
      if (!/^(rediss?(\+sentinel)?:\/\/[^\s]+|unix:\/\/\/[^\s]+)$/.test(text)) {
        throw bad(
          "is not a redis://, rediss://, redis+sentinel://, rediss+sentinel:// or unix:/// URL",
        );
      }
      if (text.includes("+sentinel://")) {
        if (!isSentinelUrl(text)) {
          throw bad(
            "is not a Sentinel URL (scheme://[user:password@]host:port[,host:port...]/master)",
          );
        }
      } else if (!text.startsWith("unix:") && !parsesAsUrl(text)) throw bad("is not a valid URL");
      return text;
  }
}

/**
 * `redis+sentinel://[user:password@]host:port[,host:port...]/<master-name>`: several hosts,
 * which no WHATWG URL holds, so each is checked on its own.
 */
function isSentinelUrl(text: string): boolean {
  const match = /^rediss?\+sentinel:\/\/(?:[^@/]*@)?([^@/]+)\/([^/?#]+)$/.exec(text);
  if (match === null) return false;
  return (match[1] as string).split(",").every((host) => parsesAsUrl(`redis://${host}`));
}

function readListenAddress(
  text: string,
  bad: (why: string) => ConfigError,
): ListenAddress | undefined {
  if (text === "" || text.toLowerCase() === "off") return undefined;
  // IPv6 needs brackets, as in a URL: [::1]:9464.
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(text);
  const host = match?.[1] ?? match?.[2] ?? "";
  const port = Number(match?.[3]);
  if (match === null || isIP(host) === 0 || !(port <= 65_535)) {
    throw bad("is not an address and port (127.0.0.1:9464, [::1]:9464) or off");
  }
  return { host, port };
}

/** A redis:// URL that the URL parser (and so the Redis client) accepts, with a host. */
function parsesAsUrl(text: string): boolean {
  try {
    return new URL(text).hostname !== "";
  } catch {
    return false;
  }
}

function readBoolean(text: string): boolean | undefined {
  const lower = text.toLowerCase();
  if (["1", "true", "yes", "on"].includes(lower)) return true;
  if (["0", "false", "no", "off"].includes(lower)) return false;
  return undefined;
}

// resolveSettings names the setting ("maxUsers must be ..."); say which flag or variable set it.
function blame(error: unknown, sources: ReadonlyMap<string, string>): string {
  const message = (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "";
  for (const [key, source] of sources) {
    if (message.startsWith(`${key} `) || message.startsWith(`${key}:`))
      return `${source}: ${message}`;
  }
  return message;
}

import type { ServerSettings } from "@chat/core";
import { DEFAULTS } from "@chat/protocol";
import { OPS_OPTIONS, type OpsDaemonKey } from "./ops-options.js";

/** How an option's text is read. */
export type OptionKind =
  | "ip" // an IPv4 or IPv6 address literal
  | "port" // 0..65535 (0: any free port)
  | "text"
  | "count" // a whole number
  | "rate" // a number, decimals allowed
  | "seconds" // decimals allowed, kept as milliseconds
  | "networks" // comma-separated CIDRs; empty: none
  | "level" // a pino log level
  | "listen" // host:port for an HTTP listener ([v6]:port); "off" or empty: none
  | "redis-url" // redis://, rediss://, redis+sentinel://, rediss+sentinel:// or unix:// (cluster mode)
  | "key-prefix" // printable ASCII, no spaces, up to 64
  | "transport" // auto, native or dgram
  | "address-check" // auto, always or off (revision 3)
  | "path" // a file or socket path (not empty)
  | "node-name" // printable ASCII, no spaces, up to 64
  | "flag" // present or not; its variable takes 1/0, true/false, yes/no, on/off
  | "negated-flag"; // like "flag", but the flag turns the setting off

export type DaemonKey =
  | "host"
  | "port"
  | "logLevel"
  | "pretty"
  | "statsIntervalMs"
  | "metrics"
  | "cluster"
  | "clusterPrefix"
  | "transport"
  | "addressSecretFile"
  | OpsDaemonKey;

/** One setting: its flag, its environment variable and where its value goes. */
export interface OptionSpec {
  readonly flag: string;
  readonly env: string;
  readonly kind: OptionKind;
  /** The ServerSettings field (core) or daemon field it sets. */
  readonly target: { readonly core: keyof ServerSettings } | { readonly daemon: DaemonKey };
  readonly valueName?: string;
  readonly help: string;
}

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Daemon defaults; the core's come from resolveSettings(). */
export const DAEMON_DEFAULTS = {
  host: "0.0.0.0",
  port: DEFAULTS.port,
  logLevel: "info" as LogLevel,
  statsIntervalMs: 60_000,
  clusterPrefix: "chat:",
  transport: "auto",
} as const;

const core = (key: keyof ServerSettings) => ({ core: key });
const daemon = (key: DaemonKey) => ({ daemon: key });

export const OPTIONS: readonly OptionSpec[] = [
  {
    flag: "host",
    env: "CHAT_HOST",
    kind: "ip",
    target: daemon("host"),
    valueName: "ip",
    help: "address to listen on; :: listens on IPv6 and IPv4 (dual-stack)",
  },
  {
    flag: "port",
    env: "CHAT_PORT",
    kind: "port",
    target: daemon("port"),
    valueName: "n",
    help: "UDP port; 0 picks a free one",
  },
  {
    flag: "server-name",
    env: "CHAT_SERVER_NAME",
    kind: "text",
    target: core("serverName"),
    valueName: "name",
    help: "name shown in INFO_RESPONSE",
  },
  {
    flag: "max-users",
    env: "CHAT_MAX_USERS",
    kind: "count",
    target: core("maxUsers"),
    valueName: "n",
    help: "registered users at most",
  },
  {
    flag: "max-users-per-ip",
    env: "CHAT_MAX_USERS_PER_IP",
    kind: "count",
    target: core("maxUsersPerIp"),
    valueName: "n",
    help: "names per source IP address (IPv6: per /64)",
  },
  {
    flag: "registers-per-minute",
    env: "CHAT_REGISTERS_PER_MINUTE",
    kind: "count",
    target: core("registersPerIpPerMinute"),
    valueName: "n",
    help: "REGISTERs per source IP address per minute",
  },
  {
    flag: "user-timeout",
    env: "CHAT_USER_TIMEOUT",
    kind: "seconds",
    target: core("userTimeoutMs"),
    valueName: "s",
    help: "seconds of silence before a user is removed; 0: never",
  },
  {
    flag: "list-interval",
    env: "CHAT_LIST_INTERVAL",
    kind: "seconds",
    target: core("listIntervalMs"),
    valueName: "s",
    help: "seconds between user-list pushes to every user; 0: never",
  },
  {
    flag: "max-message",
    env: "CHAT_MAX_MESSAGE",
    kind: "count",
    target: core("maxMessageBytes"),
    valueName: "bytes",
    help: "largest message in UTF-8 bytes",
  },
  {
    flag: "no-rate-limit",
    env: "CHAT_RATE_LIMIT",
    kind: "negated-flag",
    target: core("rateLimit"),
    help: "turn off every rate and per-IP limit (benchmarks); or CHAT_RATE_LIMIT=0",
  },
  {
    flag: "packets-per-second",
    env: "CHAT_PACKETS_PER_SECOND",
    kind: "rate",
    target: core("packetsPerSecond"),
    valueName: "n",
    help: "incoming packets per endpoint per second",
  },
  {
    flag: "packet-burst",
    env: "CHAT_PACKET_BURST",
    kind: "count",
    target: core("packetBurst"),
    valueName: "n",
    help: "burst of incoming packets per endpoint",
  },
  {
    flag: "broadcasts-per-second",
    env: "CHAT_BROADCASTS_PER_SECOND",
    kind: "rate",
    target: core("broadcastsPerSecond"),
    valueName: "n",
    help: "BROADCASTs per endpoint per second",
  },
  {
    flag: "broadcast-burst",
    env: "CHAT_BROADCAST_BURST",
    kind: "count",
    target: core("broadcastBurst"),
    valueName: "n",
    help: "burst of BROADCASTs per endpoint",
  },
  {
    flag: "replies-per-second",
    env: "CHAT_REPLIES_PER_SECOND",
    kind: "rate",
    target: core("unregisteredRepliesPerSecond"),
    valueName: "n",
    help: "replies per second to a source IP that holds no name",
  },
  {
    flag: "reply-bytes-per-second",
    env: "CHAT_REPLY_BYTES_PER_SECOND",
    kind: "count",
    target: core("unregisteredReplyBytesPerSecond"),
    valueName: "n",
    help: "reply bytes per second to a source IP that holds no name",
  },
  {
    flag: "exempt-networks",
    env: "CHAT_EXEMPT_NETWORKS",
    kind: "networks",
    target: core("exemptNetworks"),
    valueName: "cidr,...",
    help: 'networks exempt from the per-IP limits; "" exempts none',
  },
  {
    flag: "address-check",
    env: "CHAT_ADDRESS_CHECK",
    kind: "address-check",
    target: core("addressCheck"),
    valueName: "auto|always|off",
    help: "challenge plain REGISTERs: under pressure (auto), always, or never (off: the RFC)",
  },
  {
    flag: "address-secret-file",
    env: "CHAT_ADDRESS_SECRET_FILE",
    kind: "path",
    target: daemon("addressSecretFile"),
    valueName: "path",
    help: "the address check's secret (16+ bytes), shared by a cluster's nodes; default: random, hourly",
  },
  {
    flag: "max-unchecked-users",
    env: "CHAT_MAX_UNCHECKED_USERS",
    kind: "count",
    target: core("addressCheckMaxUnchecked"),
    valueName: "n",
    help: "auto: challenge plain REGISTERs past this many unchecked users (min(1000, max-users/10))",
  },
  {
    flag: "unchecked-per-second",
    env: "CHAT_UNCHECKED_PER_SECOND",
    kind: "rate",
    target: core("addressCheckUncheckedPerSecond"),
    valueName: "n",
    help: "auto: challenge plain REGISTERs while more unchecked users than this arrive a second",
  },
  {
    flag: "nameless-packets-per-second",
    env: "CHAT_NAMELESS_PACKETS_PER_SECOND",
    kind: "rate",
    target: core("namelessPacketsPerSecond"),
    valueName: "n",
    help: "packets per second from endpoints with no name, per source IP",
  },
  {
    flag: "nameless-packet-burst",
    env: "CHAT_NAMELESS_PACKET_BURST",
    kind: "count",
    target: core("namelessPacketBurst"),
    valueName: "n",
    help: "burst of packets from endpoints with no name, per source IP",
  },
  {
    flag: "list-push-bytes-per-second",
    env: "CHAT_LIST_PUSH_BYTES_PER_SECOND",
    kind: "count",
    target: core("listPushBytesPerSecond"),
    valueName: "n",
    help: "bytes per second all list pushes may send; a larger push stretches the interval",
  },
  {
    flag: "max-tracked-addresses",
    env: "CHAT_MAX_TRACKED_ADDRESSES",
    kind: "count",
    target: core("maxTrackedAddresses"),
    valueName: "n",
    help: "rate-limit entries kept (least recently used go first)",
  },
  {
    flag: "log-level",
    env: "CHAT_LOG_LEVEL",
    kind: "level",
    target: daemon("logLevel"),
    valueName: "level",
    help: `one of ${LOG_LEVELS.join(", ")}`,
  },
  {
    flag: "pretty",
    env: "CHAT_PRETTY",
    kind: "flag",
    target: daemon("pretty"),
    help: "human-readable logs; CHAT_PRETTY=0 forces JSON lines on a terminal",
  },
  {
    flag: "stats-interval",
    env: "CHAT_STATS_INTERVAL",
    kind: "seconds",
    target: daemon("statsIntervalMs"),
    valueName: "s",
    help: "seconds between stats log lines; 0: never",
  },
  {
    flag: "metrics",
    env: "CHAT_METRICS",
    kind: "listen",
    target: daemon("metrics"),
    valueName: "host:port",
    help: "serve Prometheus /metrics, /healthz and /readyz over HTTP here; off: none",
  },
  {
    flag: "cluster",
    env: "CHAT_CLUSTER",
    kind: "redis-url",
    target: daemon("cluster"),
    valueName: "url",
    help: "cluster mode: share users with the other nodes on this Redis (redis://, rediss://, unix://, redis+sentinel://host:port,host:port/master)",
  },
  {
    flag: "cluster-prefix",
    env: "CHAT_CLUSTER_PREFIX",
    kind: "key-prefix",
    target: daemon("clusterPrefix"),
    valueName: "prefix",
    help: "cluster mode: put before every Redis key, so two clusters can share one Redis",
  },
  {
    flag: "transport",
    env: "CHAT_TRANSPORT",
    kind: "transport",
    target: daemon("transport"),
    valueName: "auto|native|dgram",
    help: "socket I/O: native (recvmmsg/sendmmsg addon), dgram (node:dgram); auto: native if built",
  },
  ...OPS_OPTIONS,
];

/** The `--help` text: every setting with its variable and default. */
export function helpText(defaults: ServerSettings): string {
  const rows = OPTIONS.map((spec) => {
    const left = `  --${spec.flag}${spec.valueName ? ` <${spec.valueName}>` : ""}`;
    const detail = `${spec.env}, default ${describeDefault(spec, defaults)}`;
    return { left, right: `${spec.help}\n${" ".repeat(34)}(${detail})` };
  });
  rows.push({ left: "  --version, -v", right: "print the version and exit" });
  rows.push({ left: "  --help, -h", right: "print this help and exit" });
  const lines = rows.map(({ left, right }) => `${left.padEnd(34)}${right}`);
  return [
    "Usage: chat-server [options]",
    "       pnpm --filter server start -- [options]",
    "",
    "The CHAT UDP server. Every option can also be set by its environment variable;",
    "a flag wins over its variable.",
    "",
    "Options:",
    ...lines,
    "",
  ].join("\n");
}

function describeDefault(spec: OptionSpec, defaults: ServerSettings): string {
  if ("daemon" in spec.target) {
    switch (spec.target.daemon) {
      case "pretty":
        return "when stdout is a terminal";
      case "statsIntervalMs":
        return String(DAEMON_DEFAULTS.statsIntervalMs / 1000);
      case "metrics":
        return "off";
      case "cluster":
        return "off (one process)";
      case "addressSecretFile":
        return "random, replaced hourly";
      case "envFile":
      case "denyFile":
      case "adminSocket":
      case "clusterPasswordFile":
        return "none";
      case "nodeName":
        return "the host name";
      case "strictEnv":
        return "off (a warning)";
      default:
        return String(DAEMON_DEFAULTS[spec.target.daemon]);
    }
  }
  const value = defaults[spec.target.core];
  if (spec.kind === "seconds" && typeof value === "number") return String(value / 1000);
  if (spec.kind === "negated-flag") return value ? "limits on" : "limits off";
  if (Array.isArray(value)) return value.length === 0 ? '""' : value.join(",");
  return String(value);
}

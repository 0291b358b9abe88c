import type { ClientOptions } from "@chat/client";
import {
  CommandLineError,
  type CommandLineValues,
  parseHostPort,
  readCommandLine,
} from "@chat/client/cli";
import { checkMessage, checkName, DEFAULTS } from "@chat/protocol";
import type { FileConfig } from "./files/config.js";

/** What the command line asks for. */
export interface Options {
  host: string;
  port: number;
  name?: string;
  mode: "tui" | "send" | "listen" | "help";
  /** For --send: the text, and the receiver of a private message. */
  send?: string;
  to?: string;
  /** --keepalive in milliseconds; the SDK's default (30 s) when not given. */
  keepAliveMs?: number;
}

export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** The keep-alive range: the server needs to hear from us; a day is plenty of slack. */
const KEEPALIVE_MIN_S = 0.1;
const KEEPALIVE_MAX_S = 86_400;
const KEEPALIVE_DEFAULT_S = DEFAULTS.keepAliveIntervalMs / 1000;

export const USAGE = `Usage: chat [--server HOST:PORT] [--name NAME] [--keepalive SECONDS]
            [--send TEXT [--to USER] | --listen]

A terminal client for CHAT UDP servers.

Options:
  --server HOST:PORT  server to join (default 127.0.0.1:${DEFAULTS.port}; IPv6 as [::1]:${DEFAULTS.port})
  --name NAME         name to register; without it the client asks for one
  --keepalive SECONDS how often to refresh the registration (default ${KEEPALIVE_DEFAULT_S});
                      keep it below the server's user timeout
  --send TEXT         send TEXT as a broadcast, then exit: 0 once delivered, 1 otherwise
  --to USER           with --send: send TEXT to USER as a private message
  --listen            print every event as one JSON line on stdout until interrupted
  -h, --help          show this help

In the client, type /help for commands and keys.`;

/** What the SDK client is opened with. */
export function clientOptions(options: Options): ClientOptions {
  const { host, port, keepAliveMs } = options;
  return keepAliveMs === undefined ? { host, port } : { host, port, keepAliveMs };
}

/** How a server is shown: "127.0.0.1:9999", "[::1]:9999". */
export function serverLabel(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Parses "host:port", "[v6]:port", a bare host or a bare v6 address (default port 9999). */
export function parseServer(value: string, label = "--server"): { host: string; port: number } {
  try {
    return parseHostPort(value, label, DEFAULTS.port);
  } catch (error) {
    if (error instanceof CommandLineError) throw new UsageError(error.message);
    throw error;
  }
}

/** Parses --keepalive: seconds, decimals allowed, to milliseconds. */
export function parseKeepAlive(value: string, label = "--keepalive"): number {
  const seconds = /^\d+(\.\d+)?$/u.test(value) ? Number(value) : Number.NaN;
  if (!(seconds >= KEEPALIVE_MIN_S && seconds <= KEEPALIVE_MAX_S)) {
    throw new UsageError(
      `${label} ${value}: must be a number of seconds from ${KEEPALIVE_MIN_S} to ${KEEPALIVE_MAX_S}`,
    );
  }
  return Math.round(seconds * 1000);
}

const FLAGS = {
  server: { type: "string" },
  name: { type: "string" },
  keepalive: { type: "string" },
  send: { type: "string" },
  to: { type: "string" },
  listen: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/**
 * Parses argv (without node and the script); throws UsageError with a one-line reason.
 * `file` (config.json, already checked) fills in what the flags leave out.
 */
export function parseArgs(argv: readonly string[], file: FileConfig = {}): Options {
  let flags: CommandLineValues<typeof FLAGS>;
  try {
    flags = readCommandLine(argv, FLAGS);
  } catch (error) {
    if (error instanceof CommandLineError) throw new UsageError(error.message);
    throw error;
  }
  const values = new Map(
    Object.entries(flags).flatMap(([key, value]) =>
      typeof value === "string" ? [[`--${key}`, value] as const] : [],
    ),
  );
  const switches = new Set(
    Object.entries(flags).flatMap(([key, value]) => (value === true ? [`--${key}`] : [])),
  );
  const serverFlag = values.get("--server");
  const server =
    serverFlag !== undefined
      ? parseServer(serverFlag)
      : (file.server ?? { host: "127.0.0.1", port: DEFAULTS.port });
  if (switches.has("--help")) return { ...server, mode: "help" };
  const keepAlive = values.get("--keepalive");
  const keepAliveMs = keepAlive === undefined ? file.keepAliveMs : parseKeepAlive(keepAlive);
  const common = keepAliveMs === undefined ? server : { ...server, keepAliveMs };

  const name = values.get("--name") ?? file.name;
  if (name !== undefined) {
    const reason = checkName(name);
    if (reason) throw new UsageError(`--name: username is invalid: ${reason}`);
  }
  const send = values.get("--send");
  const to = values.get("--to");
  if (send !== undefined && switches.has("--listen")) {
    throw new UsageError("--send and --listen cannot be used together");
  }
  if (to !== undefined && send === undefined) throw new UsageError("--to needs --send");
  if ((send !== undefined || switches.has("--listen")) && name === undefined) {
    throw new UsageError(`${send !== undefined ? "--send" : "--listen"} needs --name`);
  }
  if (send !== undefined) {
    const reason = checkMessage(send);
    if (reason) throw new UsageError(`--send: message is invalid: ${reason}`);
    if (to !== undefined && checkName(to)) {
      throw new UsageError(`--to: username is invalid: ${checkName(to)}`);
    }
    return { ...common, name, mode: "send", send, ...(to !== undefined ? { to } : {}) } as Options;
  }
  return {
    ...common,
    ...(name !== undefined ? { name } : {}),
    mode: switches.has("--listen") ? "listen" : "tui",
  };
}

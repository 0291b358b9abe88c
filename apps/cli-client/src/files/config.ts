import { readFileSync } from "node:fs";
import { join } from "node:path";
import { checkName } from "@chat/protocol";
import { parseKeepAlive, parseServer, UsageError } from "../args.js";
import { configDir, type Env } from "./xdg.js";

/** What config.json may set; flags on the command line win over it. */
export interface FileConfig {
  server?: { host: string; port: number };
  name?: string;
  keepAliveMs?: number;
  /** Show HH:MM before each line (default true). */
  timestamps?: boolean;
  /** Colour names, private messages and the status line (default true). */
  colours?: boolean;
}

export interface LoadedConfig {
  path: string;
  config: FileConfig;
  /** One line per problem, naming the key or the line; what they concern is left at its default. */
  problems: string[];
}

const KEYS = ["server", "name", "keepalive", "timestamps", "colours"] as const;

export const configPath = (env: Env) => join(configDir(env), "config.json");

/** Reads config.json; a missing file is an empty config, an unreadable one a problem. */
export function readConfig(env: Env): LoadedConfig {
  const path = configPath(env);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return { path, config: {}, problems: [] };
    return { path, config: {}, problems: [`${path}: cannot read it (${code}); using defaults`] };
  }
  return { path, ...parseConfig(text, path) };
}

/** Where JSON.parse stopped, as "line L, column C", from either message style V8 uses. */
function jsonErrorPlace(text: string, message: string): string | undefined {
  const lineColumn = /\(line (\d+) column (\d+)\)/u.exec(message);
  if (lineColumn) return `line ${lineColumn[1]}, column ${lineColumn[2]}`;
  const position = /at position (\d+)/u.exec(message);
  if (!position) return undefined;
  const before = text.slice(0, Number(position[1])).split("\n");
  return `line ${before.length}, column ${(before.at(-1) ?? "").length + 1}`;
}

export function parseConfig(
  text: string,
  path: string,
): { config: FileConfig; problems: string[] } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const place = jsonErrorPlace(text, message);
    const reason = message
      .replace(/ in JSON at position \d+.*$/su, "")
      .replace(/\s*\(line.*$/su, "");
    return {
      config: {},
      problems: [`${path}: ${place ? `${place}: ` : ""}not valid JSON (${reason}); using defaults`],
    };
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    return {
      config: {},
      problems: [
        `${path}: must hold one JSON object, like {"server": "127.0.0.1:9999"}; using defaults`,
      ],
    };
  }
  const config: FileConfig = {};
  const problems: string[] = [];
  const bad = (key: string, why: string) =>
    problems.push(`${path}: "${key}": ${why}; using the default`);
  for (const [key, value] of Object.entries(json)) {
    switch (key) {
      case "server":
        if (typeof value !== "string") bad(key, 'must be a string, "host:port"');
        else {
          try {
            config.server = parseServer(value, "");
          } catch (error) {
            if (!(error instanceof UsageError)) throw error;
            bad(key, error.message.trim());
          }
        }
        break;
      case "name": {
        const reason = typeof value === "string" ? checkName(value) : "must be a string";
        if (reason !== undefined) bad(key, `username is invalid: ${reason}`);
        else config.name = value as string;
        break;
      }
      case "keepalive":
        if (typeof value !== "number") bad(key, "must be a number of seconds");
        else {
          try {
            config.keepAliveMs = parseKeepAlive(String(value), "");
          } catch (error) {
            if (!(error instanceof UsageError)) throw error;
            bad(key, error.message.trim());
          }
        }
        break;
      case "timestamps":
      case "colours":
        if (typeof value !== "boolean") bad(key, "must be true or false");
        else config[key] = value;
        break;
      default:
        problems.push(`${path}: unknown key "${key}" (known: ${KEYS.join(", ")}); ignored`);
    }
  }
  return { config, problems };
}

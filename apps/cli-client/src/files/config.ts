import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
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
  /** Users whose messages are not shown (/ignore adds to it). */
  ignore?: string[];
  /** Commands of one's own: "j" makes /j the same as the command it names ("query"). */
  aliases?: Record<string, string>;
  /** Words that highlight a line (and ring the bell) as one's own name does. */
  highlight?: string[];
  /** The bell on a highlight or private message: off, on, or at most once per so many ms. */
  bell?: BellSetting;
  /** Start /log on at start (default false). */
  autolog?: boolean;
}

export type BellSetting = "off" | "on" | { atMostEveryMs: number };

export interface LoadedConfig {
  path: string;
  config: FileConfig;
  /** One line per problem, naming the key or the line; what they concern is left at its default. */
  problems: string[];
}

const KEYS = [
  "server",
  "name",
  "keepalive",
  "timestamps",
  "colours",
  "ignore",
  "aliases",
  "highlight",
  "bell",
  "autolog",
] as const;

/** An alias's name: a word, as typed after "/". */
const ALIAS_NAME = /^[\p{L}\p{N}_-]{1,32}$/u;

function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((item) => typeof item === "string")
    ? (value as string[])
    : undefined;
}

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
      case "autolog":
        if (typeof value !== "boolean") bad(key, "must be true or false");
        else config[key] = value;
        break;
      case "ignore": {
        const names = stringList(value);
        const wrong = names?.find((name) => checkName(name) !== undefined);
        if (!names) bad(key, 'must be a list of names, like ["mallory"]');
        else if (wrong !== undefined)
          bad(key, `username is invalid: ${checkName(wrong)}: ${JSON.stringify(wrong)}`);
        else config.ignore = names;
        break;
      }
      case "highlight": {
        const words = stringList(value);
        if (!words || words.some((word) => word.trim() === ""))
          bad(key, 'must be a list of words, like ["deploy", "lunch"]');
        else config.highlight = words.map((word) => word.trim());
        break;
      }
      case "bell":
        if (value === "on" || value === "off") config.bell = value;
        else if (typeof value === "number" && Number.isFinite(value) && value > 0)
          config.bell = { atMostEveryMs: Math.round(value * 1000) };
        else bad(key, '"on", "off" or a number of seconds (at most one bell that often)');
        break;
      case "aliases": {
        if (typeof value !== "object" || value === null || Array.isArray(value)) {
          bad(key, 'must be an object, like {"j": "query"}');
          break;
        }
        const aliases: Record<string, string> = {};
        for (const [alias, command] of Object.entries(value)) {
          if (!ALIAS_NAME.test(alias))
            problems.push(`${path}: "aliases": "${alias}": not a command word; ignored`);
          else if (typeof command !== "string" || command.replace(/^\//u, "").trim() === "")
            problems.push(
              `${path}: "aliases": "${alias}": must name a command, like "query"; ignored`,
            );
          else aliases[alias.toLowerCase()] = command.replace(/^\//u, "").trim();
        }
        config.aliases = aliases;
        break;
      }
      default:
        problems.push(`${path}: unknown key "${key}" (known: ${KEYS.join(", ")}); ignored`);
    }
  }
  return { config, problems };
}

/**
 * Sets one key of config.json, keeping the others as they are (a missing file is created);
 * a problem to show if the file cannot be read as an object or written.
 */
export function updateConfig(
  path: string,
  key: (typeof KEYS)[number],
  value: unknown,
): string | undefined {
  let json: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, "utf8"));
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      return `${path}: not one JSON object; not changed`;
    }
    json = parsed as Record<string, unknown>;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ENOENT") {
      return `${path}: ${code ? `cannot read it (${code})` : "not valid JSON"}; not changed`;
    }
  }
  json[key] = value;
  try {
    mkdirSync(dirname(path), { recursive: true });
    const temporary = `${path}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(json, null, 2)}\n`);
    renameSync(temporary, path);
    return undefined;
  } catch (error) {
    return `${path}: cannot write it (${(error as NodeJS.ErrnoException).code ?? error}); not saved`;
  }
}

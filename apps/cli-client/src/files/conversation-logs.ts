import { appendFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { foldName } from "@chat/protocol";
import { clock, formatEntry, type LogEntry } from "../app/format.js";
import { plain } from "../app/style.js";
import { dataDir, type Env } from "./xdg.js";

/** Wide enough that no line wraps: a log file holds a line as it was, not as it fitted. */
const UNWRAPPED = 1_000_000;

export const logsDir = (env: Env) => join(dataDir(env), "logs");

/** A file-name-safe form of a name: "/" and the like become %XX, and it never starts with ".". */
function fileSafe(text: string): string {
  return encodeURIComponent(text)
    .replace(
      /[!~*'()]|^\./gu,
      (char) => `%${(char.codePointAt(0) as number).toString(16).toUpperCase()}`,
    )
    .replaceAll("%3A", ":");
}

function stamp(at: Date): string {
  const date = [at.getFullYear(), at.getMonth() + 1, at.getDate()]
    .map((part) => String(part).padStart(2, "0"))
    .join("-");
  return `${date} ${clock(at)}`;
}

/**
 * /log on|off: the room and each private conversation appended to their own file,
 * <logs>/<server>/room.log and <logs>/<server>/msg-<name>.log, in the text the screen showed
 * (formatEntry sanitised it: no control byte of a message reaches the file). Files are
 * readable by their owner only.
 */
export class ConversationLogs {
  #on = false;
  /** Files written since /log on, which got their "log opened" line. */
  readonly #opened = new Set<string>();

  constructor(
    readonly dir: string,
    public server: string,
    readonly now: () => Date = () => new Date(),
  ) {}

  get on(): boolean {
    return this.#on;
  }

  /** Where `peer`'s conversation (or the room's, for undefined) goes. */
  fileFor(peer: string | undefined): string {
    const name = peer === undefined ? "room.log" : `msg-${fileSafe(foldName(peer))}.log`;
    return join(this.dir, fileSafe(this.server), name);
  }

  /** Starts logging; returns why it cannot, or undefined. */
  start(): string | undefined {
    try {
      mkdirSync(join(this.dir, fileSafe(this.server)), { recursive: true, mode: 0o700 });
    } catch (error) {
      return `cannot log to ${this.dir}: ${(error as Error).message}`;
    }
    this.#on = true;
    this.#opened.clear();
    return undefined;
  }

  stop(): void {
    for (const file of this.#opened) this.#append(file, `--- log closed ${stamp(this.now())}\n`);
    this.#on = false;
    this.#opened.clear();
  }

  /** Appends an entry of the room (peer undefined) or a query; returns why it failed. */
  write(peer: string | undefined, entry: LogEntry): string | undefined {
    if (!this.#on) return undefined;
    const file = this.fileFor(peer);
    const settled = entry.kind === "notice" ? entry : { ...entry, delivery: undefined };
    const rows = formatEntry(settled, UNWRAPPED).map((row) => `${plain(row).trimEnd()}\n`);
    let text = rows.join("");
    if (!this.#opened.has(file)) {
      this.#opened.add(file);
      text = `--- log opened ${stamp(this.now())}\n${text}`;
    }
    const problem = this.#append(file, text);
    if (problem) this.stop();
    return problem;
  }

  #append(file: string, text: string): string | undefined {
    try {
      mkdirSync(join(file, ".."), { recursive: true, mode: 0o700 });
      appendFileSync(file, text, { mode: 0o600 });
      return undefined;
    } catch (error) {
      return `logging stopped: cannot write ${file}: ${(error as Error).message}`;
    }
  }
}

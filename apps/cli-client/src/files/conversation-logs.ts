import { createHash } from "node:crypto";
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

/*
 * A file name may hold 255 bytes (NAME_MAX on Linux, macOS and the usual file systems), and
 * a name can grow past it on its way here: NFKC_Casefold expands "㌀" to "アパート", and
 * each of those is nine bytes once %-escaped, so ten "㌀" make 360. A longer name keeps a
 * readable prefix and ends in a hash of the whole, so two long names never share a file.
 */
const MAX_FILE_NAME_BYTES = 200;
const HASH_CHARS = 16;

/** `prefix + fileSafe(text) + suffix`, at most MAX_FILE_NAME_BYTES (fileSafe output is ASCII). */
function boundedFileName(prefix: string, text: string, suffix: string): string {
  const safe = fileSafe(text);
  const whole = `${prefix}${safe}${suffix}`;
  if (whole.length <= MAX_FILE_NAME_BYTES) return whole;
  const hash = createHash("sha256").update(text).digest("hex").slice(0, HASH_CHARS);
  const room = MAX_FILE_NAME_BYTES - prefix.length - suffix.length - HASH_CHARS - 1;
  // Cut before an escape rather than through it, so the prefix still decodes.
  const readable = safe.slice(0, room).replace(/%[0-9A-F]?$/u, "");
  return `${prefix}${readable}-${hash}${suffix}`;
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
 * readable by their owner only. A file that cannot be written is reported once and skipped
 * until the next /log on; the others go on.
 */
export class ConversationLogs {
  #on = false;
  /** Files written since /log on, which got their "log opened" line. */
  readonly #opened = new Set<string>();
  /** Files that failed since /log on: reported once, then skipped. */
  readonly #failed = new Set<string>();

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
    const name = peer === undefined ? "room.log" : boundedFileName("msg-", foldName(peer), ".log");
    return join(this.dir, this.#serverDir(), name);
  }

  #serverDir(): string {
    return boundedFileName("", this.server, "");
  }

  /** Starts logging; returns why it cannot, or undefined. */
  start(): string | undefined {
    try {
      mkdirSync(join(this.dir, this.#serverDir()), { recursive: true, mode: 0o700 });
    } catch (error) {
      return `cannot log to ${this.dir}: ${(error as Error).message}`;
    }
    this.#on = true;
    this.#opened.clear();
    this.#failed.clear();
    return undefined;
  }

  stop(): void {
    for (const file of this.#opened) this.#append(file, `--- log closed ${stamp(this.now())}\n`);
    this.#on = false;
    this.#opened.clear();
    this.#failed.clear();
  }

  /**
   * Appends an entry of the room (peer undefined) or a query; returns why it failed, the
   * first time only (the notice saying so is logged too, and must not fail again).
   */
  write(peer: string | undefined, entry: LogEntry): string | undefined {
    if (!this.#on) return undefined;
    const file = this.fileFor(peer);
    if (this.#failed.has(file)) return undefined;
    const settled = entry.kind === "notice" ? entry : { ...entry, delivery: undefined };
    const rows = formatEntry(settled, UNWRAPPED).map((row) => `${plain(row).trimEnd()}\n`);
    let text = rows.join("");
    if (!this.#opened.has(file)) {
      this.#opened.add(file);
      text = `--- log opened ${stamp(this.now())}\n${text}`;
    }
    const problem = this.#append(file, text);
    if (problem !== undefined) {
      this.#failed.add(file);
      this.#opened.delete(file);
      return `${problem}; other logs go on`;
    }
    return undefined;
  }

  #append(file: string, text: string): string | undefined {
    try {
      mkdirSync(join(file, ".."), { recursive: true, mode: 0o700 });
      appendFileSync(file, text, { mode: 0o600 });
      return undefined;
    } catch (error) {
      return `cannot log to ${file}: ${(error as Error).message}`;
    }
  }
}

import { readFile } from "node:fs/promises";
import { MAX_TIMER_MS } from "@chat/client/cli";
import { type DenyEntry, DenyList, parseDenyEntry } from "@chat/core";
import type { RunningDaemon } from "./daemon.js";
import { parseDenyFile } from "./deny-file.js";
import type { Logger } from "./logger.js";

/** One ban as the admin `bans` verb shows it. */
export interface BanView {
  readonly entry: string;
  readonly source: "file" | "admin";
  /** ISO time an admin ban with --for ends. */
  readonly until?: string;
}

interface AdminBan {
  readonly entry: DenyEntry;
  readonly until?: number;
}

/** Cluster mode: where admin bans are kept for every node (@chat/cluster-redis SharedBans). */
export interface BanStore {
  ban(ban: { key: string; entry: string; until?: number }): Promise<void>;
  unban(key: string): Promise<boolean>;
}

// setTimeout fires at once past 2^31 - 1 ms; a longer ban is checked again then.

/**
 * The bans in force: the deny file's (replaced whole at each reload) and the operator's from
 * the admin socket (in memory; add a lasting one to the file). Every change hands core a new
 * DenyList, which removes the users it matches at once.
 */
export class Moderation {
  #fromFile: readonly DenyEntry[] = [];
  readonly #admin = new Map<string, AdminBan>();
  #timer: NodeJS.Timeout | undefined;
  readonly #daemon: Pick<RunningDaemon, "deny">;
  readonly #logger: Logger;
  readonly #clock: () => number;
  #store: BanStore | undefined;

  constructor(daemon: Pick<RunningDaemon, "deny">, logger: Logger, clock: () => number = Date.now) {
    this.#daemon = daemon;
    this.#logger = logger;
    this.#clock = clock;
  }

  /**
   * Reads the deny file (none: no file entries) and puts its entries in force; throws (DenyFileError, a read
   * error) and keeps the list in force when the file cannot be used. The change, counted.
   */
  async loadFile(path: string | undefined): Promise<{ added: string[]; removed: string[] }> {
    const entries = path === undefined ? [] : parseDenyFile(await readFile(path, "utf8"), path);
    const before = new Set(this.#fromFile.map(keyOf));
    const after = new Set(entries.map(keyOf));
    const added = entries.filter((e) => !before.has(keyOf(e))).map((e) => e.text);
    const removed = this.#fromFile.filter((e) => !after.has(keyOf(e))).map((e) => e.text);
    this.#fromFile = entries;
    this.#apply();
    return { added, removed };
  }

  /** Cluster mode: admin bans are kept in `store` and apply on every node. */
  share(store: BanStore): void {
    this.#store = store;
  }

  /**
   * An operator's ban, for `forMs` or until unbanned; throws DenyEntryError for bad text.
   * In cluster mode it is stored for every node first (and rejects if it cannot be).
   */
  async ban(text: string, forMs?: number): Promise<BanView> {
    const entry = parseDenyEntry(text);
    const until = forMs === undefined ? undefined : this.#clock() + forMs;
    const ban = until === undefined ? { entry } : { entry, until };
    await this.#store?.ban({ key: keyOf(entry), entry: entry.text, until });
    this.#admin.set(keyOf(entry), ban);
    this.#apply();
    return view(ban, "admin");
  }

  /** Lifts an operator's ban (on every node in cluster mode): "lifted", "in-file" or "absent". */
  async unban(text: string): Promise<"lifted" | "in-file" | "absent"> {
    const key = keyOf(parseDenyEntry(text));
    const stored = (await this.#store?.unban(key)) ?? false;
    if (this.#admin.delete(key) || stored) {
      this.#apply();
      return "lifted";
    }
    return this.#fromFile.some((entry) => keyOf(entry) === key) ? "in-file" : "absent";
  }

  /** Cluster mode: the admin bans every node holds, whole (another node changed them). */
  replaceShared(bans: ReadonlyArray<{ entry: string; until?: number }>): void {
    this.#admin.clear();
    for (const ban of bans) {
      try {
        const entry = parseDenyEntry(ban.entry);
        this.#admin.set(
          keyOf(entry),
          ban.until === undefined ? { entry } : { entry, until: ban.until },
        );
      } catch (error) {
        this.#logger.warn({ entry: ban.entry, err: error }, "shared ban ignored: not an entry");
      }
    }
    this.#apply();
  }

  list(): BanView[] {
    return [
      ...this.#fromFile.map((entry) => view({ entry }, "file")),
      ...Array.from(this.#admin.values(), (ban) => view(ban, "admin")),
    ];
  }

  close(): void {
    clearTimeout(this.#timer);
  }

  #apply(): void {
    const now = this.#clock();
    let next = Number.POSITIVE_INFINITY;
    for (const [key, ban] of this.#admin) {
      if (ban.until === undefined) continue;
      if (ban.until <= now) {
        this.#admin.delete(key);
        this.#logger.info({ entry: ban.entry.text }, "ban expired");
      } else next = Math.min(next, ban.until);
    }
    const admin = Array.from(this.#admin.values(), (ban) => ban.entry);
    this.#daemon.deny(new DenyList([...this.#fromFile, ...admin]));
    clearTimeout(this.#timer);
    if (next !== Number.POSITIVE_INFINITY) {
      this.#timer = setTimeout(() => this.#apply(), Math.min(next - now, MAX_TIMER_MS)).unref();
    }
  }
}

/** Equal for the same network or the same name in any case or look-alike form. */
function keyOf(entry: DenyEntry): string {
  if (entry.kind === "name") return `name:${entry.skeleton}`;
  return `${Buffer.from(entry.network.bytes).toString("hex")}/${entry.network.prefix}`;
}

function view(ban: AdminBan, source: BanView["source"]): BanView {
  const shown = { entry: ban.entry.text, source };
  return ban.until === undefined ? shown : { ...shown, until: new Date(ban.until).toISOString() };
}

import { defaultMaxUnchecked } from "@chat/core";
import type { DaemonConfig, Environment } from "./config.js";
import { loadCommand } from "./load-config.js";
import type { Logger } from "./logger.js";
import type { Moderation } from "./moderation.js";
import { OPTIONS } from "./options.js";

/** What a reload did, for the log line and the admin `reload` answer. */
export interface ReloadReport {
  /** False when the settings or the deny file could not be used (the old ones stay). */
  readonly ok: boolean;
  /** Settings now in force with new values, by flag. */
  readonly applied: readonly string[];
  /** Settings changed in the file that take effect only at the next start, by flag. */
  readonly needsRestart: readonly string[];
  readonly bansAdded: readonly string[];
  readonly bansRemoved: readonly string[];
  readonly errors: readonly string[];
}

/** Settings a running daemon takes on at a reload; every other change waits for a restart. */
const LIVE: ReadonlySet<string> = new Set(["logLevel", "denyFile"]);

/**
 * SIGHUP and the admin `reload`: reads the command line's settings file and the deny file
 * again, puts in force what can change at run time, and says what needs a restart. Never
 * throws: a bad file is reported and the settings in force stay.
 */
export class Reloader {
  #config: DaemonConfig;
  #running: Promise<ReloadReport> | undefined;

  constructor(
    private readonly source: {
      readonly argv: readonly string[];
      readonly env: Environment;
      readonly version: string;
    },
    config: DaemonConfig,
    private readonly logger: Logger,
    private readonly moderation: Moderation,
  ) {
    this.#config = config;
  }

  /** The first load of the deny file, at start: a bad one is fatal there (exit 2). */
  async start(): Promise<void> {
    if (this.#config.denyFile !== undefined) await this.moderation.loadFile(this.#config.denyFile);
  }

  /** One reload at a time: a second signal during one waits for it and runs again. */
  reload(trigger: string): Promise<ReloadReport> {
    const previous = this.#running ?? Promise.resolve(undefined);
    const next = previous.then(() => this.#reload(trigger));
    this.#running = next;
    return next;
  }

  async #reload(trigger: string): Promise<ReloadReport> {
    const errors: string[] = [];
    let fresh = this.#config;
    try {
      const command = loadCommand(this.source.argv, this.source.env, this.source.version);
      if (command.kind === "run") {
        fresh = command.config;
        for (const warning of command.warnings) this.logger.warn({ warning }, "setting ignored");
      }
    } catch (error) {
      errors.push(error instanceof Error ? error.message : String(error));
    }
    let bans: { added: string[]; removed: string[] } = { added: [], removed: [] };
    try {
      bans = await this.moderation.loadFile(fresh.denyFile);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      errors.push(`deny file: ${reason}`);
      fresh = { ...fresh, denyFile: this.#config.denyFile };
    }
    const changed = changedKeys(this.#config, fresh);
    const applied = changed.filter((key) => LIVE.has(key));
    const needsRestart = changed.filter((key) => !LIVE.has(key));
    if (fresh.logLevel !== this.#config.logLevel) this.logger.level = fresh.logLevel;
    // Only what is live changes; the rest stays as started, so it is reported until a restart.
    this.#config = { ...this.#config, logLevel: fresh.logLevel, denyFile: fresh.denyFile };
    const report: ReloadReport = {
      ok: errors.length === 0,
      applied: applied.map(flagOf),
      needsRestart: needsRestart.map(flagOf),
      bansAdded: bans.added,
      bansRemoved: bans.removed,
      errors,
    };
    const line = { trigger, ...report };
    if (report.ok) this.logger.info(line, "reloaded");
    else this.logger.warn(line, "reload failed in part: the settings in force stay");
    return report;
  }
}

/** Config keys (daemon fields, and core settings by name) whose values differ. */
function changedKeys(before: DaemonConfig, after: DaemonConfig): string[] {
  const keys: string[] = [];
  const differ = (a: unknown, b: unknown) => JSON.stringify(a) !== JSON.stringify(b);
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (key === "settings") continue;
    const k = key as keyof DaemonConfig;
    if (differ(before[k], after[k])) keys.push(key);
  }
  for (const key of Object.keys(before.settings)) {
    const k = key as keyof DaemonConfig["settings"];
    if (differ(before.settings[k], after.settings[k]) && !derivedBoth(before, after, k)) {
      keys.push(key);
    }
  }
  return keys;
}

/** A setting that follows another when not given (max unchecked users, from --max-users). */
function derivedBoth(before: DaemonConfig, after: DaemonConfig, key: string): boolean {
  if (key !== "addressCheckMaxUnchecked") return false;
  const derived = (c: DaemonConfig) =>
    c.settings.addressCheckMaxUnchecked === defaultMaxUnchecked(c.settings.maxUsers);
  return derived(before) && derived(after);
}

const FLAGS = new Map<string, string>(
  OPTIONS.map((spec) => [
    "core" in spec.target ? spec.target.core : spec.target.daemon,
    `--${spec.flag}`,
  ]),
);

function flagOf(key: string): string {
  return FLAGS.get(key) ?? key;
}

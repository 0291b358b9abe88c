import { type Check, CheckFailure, CheckSkipped, type Needs } from "./check.js";
import { ALL_CHECKS } from "./checks/index.js";
import { CheckRun } from "./context.js";
import type { Target } from "./probe.js";
import { DEFAULT_SETTINGS, type Settings, SHORT_TIMER_S, SMALL_MAX_USERS } from "./settings.js";

export type Status = "passed" | "failed" | "skipped";

export interface CheckResult {
  readonly id: string;
  readonly section: string;
  readonly title: string;
  readonly status: Status;
  /** Why it failed ("expected …, got …") or was skipped. */
  readonly detail?: string;
  readonly durationMs: number;
}

export interface ConformanceOptions {
  readonly target: Target;
  /** Other nodes of the same cluster as `target`: the cross-node checks run when given. */
  readonly others?: readonly Target[];
  readonly settings?: Partial<Settings>;
  /** Which checks to run: see `selectChecks`. */
  readonly only?: string;
  /** Called as each check finishes, for live output. */
  readonly onResult?: (result: CheckResult) => void;
  /** The checks to choose from (all of them by default). */
  readonly checks?: readonly Check[];
}

/** Runs the selected checks one after the other against `target`. */
export async function runConformance(options: ConformanceOptions): Promise<CheckResult[]> {
  const settings = { ...DEFAULT_SETTINGS, ...options.settings };
  const results: CheckResult[] = [];
  for (const check of selectChecks(options.checks ?? ALL_CHECKS, options.only)) {
    const result = await runCheck(check, options.target, settings, options.others);
    options.onResult?.(result);
    results.push(result);
  }
  return results;
}

/**
 * Picks checks by a comma-separated pattern. A number matches a check whose id it is ("3.2")
 * or whose section it names ("3" or "3."); words match a check whose section or title holds
 * them, ignoring case ("liveness", "who is who").
 */
export function selectChecks(checks: readonly Check[], only: string | undefined): Check[] {
  const terms = (only ?? "")
    .split(",")
    .map((term) => term.trim().toLowerCase())
    .filter((term) => term !== "");
  if (terms.length === 0) return [...checks];
  return checks.filter((check) =>
    terms.some((term) => {
      if (/^\d+(\.\d*)?$/.test(term)) {
        const section = term.endsWith(".") ? term : `${term}.`;
        return check.id === term || check.id.startsWith(section);
      }
      return check.section.toLowerCase().includes(term) || check.title.toLowerCase().includes(term);
    }),
  );
}

/** Why a check cannot run against a target with these settings, or `undefined`. */
export function skipReason(
  needs: Needs | undefined,
  settings: Settings,
  targets = 1,
): string | undefined {
  if (needs === undefined) return undefined;
  if (needs.twoTargets && targets < 2) {
    return "needs a second --target, another node of the same cluster";
  }
  if (needs.rateLimits && !settings.rateLimited) return "target runs without rate limits";
  if (needs.addressCheck && !settings.addressCheck) {
    return "target runs without revision 3's address check (--no-address-check)";
  }
  if (needs.addressCheckAlways && !settings.addressCheckAlways) {
    return "needs a target that challenges every plain REGISTER from this tester (pass --address-check-always if it runs --address-check always and does not exempt this tester's address)";
  }
  if (needs.perIpLimits && !settings.perIpLimits) {
    return "per-IP limits do not apply to this tester (pass --per-ip-limits if they do)";
  }
  if (needs.shortUserTimeout) {
    const reason = timerTooLong("user-timeout", settings.userTimeoutS, settings.slow);
    if (reason !== undefined) return reason;
  }
  if (needs.shortListInterval) {
    const reason = timerTooLong("list-interval", settings.listIntervalS, settings.slow);
    if (reason !== undefined) return reason;
  }
  if (needs.smallMaxUsers && settings.maxUsers > SMALL_MAX_USERS) {
    return `max-users ${settings.maxUsers} is more than ${SMALL_MAX_USERS} to fill`;
  }
  return undefined;
}

function timerTooLong(flag: string, seconds: number, slow: boolean): string | undefined {
  if (seconds === 0) return `${flag} is 0 (off)`;
  if (seconds > SHORT_TIMER_S && !slow) {
    return `${flag} ${seconds}s is over ${SHORT_TIMER_S}s (pass --slow to wait for it)`;
  }
  return undefined;
}

/** The runner's budget for a check that does not set one. */
export function defaultBudgetMs(settings: Settings): number {
  return Math.max(10_000, 20 * settings.timeoutMs);
}

/** Runs one check on fresh endpoints, within its time budget, and always cleans up. */
export async function runCheck(
  check: Check,
  target: Target,
  settings: Settings = DEFAULT_SETTINGS,
  others: readonly Target[] = [],
): Promise<CheckResult> {
  const base = { id: check.id, section: check.section, title: check.title };
  const started = Date.now();
  const skip = skipReason(check.needs, settings, 1 + others.length);
  if (skip !== undefined) return { ...base, status: "skipped", detail: skip, durationMs: 0 };

  const ctx = new CheckRun([target, ...others], settings);
  const budgetMs = check.budgetMs?.(settings) ?? defaultBudgetMs(settings);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new CheckFailure(`expected the check to end within ${budgetMs} ms, got no end`)),
      budgetMs,
    );
  });
  let status: Status = "passed";
  let detail: string | undefined;
  try {
    await Promise.race([check.run(ctx), timeout]);
  } catch (error) {
    if (error instanceof CheckSkipped) status = "skipped";
    else status = "failed";
    detail = error instanceof Error ? error.message : String(error);
    if (!(error instanceof CheckFailure || error instanceof CheckSkipped)) {
      detail = `the check itself broke: ${detail}`;
    }
  } finally {
    clearTimeout(timer);
    await ctx.cleanUp();
  }
  const durationMs = Date.now() - started;
  return detail === undefined
    ? { ...base, status, durationMs }
    : { ...base, status, detail, durationMs };
}

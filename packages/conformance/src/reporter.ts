import type { CheckResult, Status } from "./runner.js";

const WORD: Record<Status, string> = { passed: "ok", failed: "FAIL", skipped: "skip" };

/** One line per check: `ok   3.2 REGISTER twice …`, `FAIL 3.3 … — expected …, got …`. */
export function formatResult(result: CheckResult): string {
  const head = `${WORD[result.status].padEnd(4)} ${result.id} ${result.title}`;
  return result.detail === undefined ? head : `${head} — ${result.detail}`;
}

export interface Summary {
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
}

export function summarize(results: readonly CheckResult[]): Summary {
  const count = (status: Status) => results.filter((result) => result.status === status).length;
  return { passed: count("passed"), failed: count("failed"), skipped: count("skipped") };
}

export function formatSummary(summary: Summary): string {
  return `${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped`;
}

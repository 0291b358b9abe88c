export { type CliOptions, type ParsedArgs, parseCliArgs, parseTarget, USAGE } from "./args.js";
export {
  type Check,
  type CheckContext,
  CheckFailure,
  CheckSkipped,
  type Needs,
} from "./check.js";
export { ALL_CHECKS } from "./checks/index.js";
export { TestClient } from "./client.js";
export { main, type Output, unreachable } from "./main.js";
export type { Target } from "./probe.js";
export { formatResult, formatSummary, type Summary, summarize } from "./reporter.js";
export {
  type CheckResult,
  type ConformanceOptions,
  runCheck,
  runConformance,
  type Status,
  selectChecks,
  skipReason,
} from "./runner.js";
export { DEFAULT_SETTINGS, type Settings } from "./settings.js";

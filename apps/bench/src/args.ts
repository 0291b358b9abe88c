/** The bench's command line. */
import { readCommandLine } from "@chat/client/cli";
import { TRANSPORTS, type TransportChoice } from "@chat/testkit";
import { OPTIONAL_SCENARIOS, SCENARIOS, type ScenarioName } from "./config.js";

export interface BenchArgs {
  quick: boolean;
  scenarios: ScenarioName[];
  /** JSON report path; the SVG chart goes beside it. */
  out: string | undefined;
  workers: number | undefined;
  /** Also run the daemon under --cpu-prof and print its hot spots. */
  profile: boolean;
  /** Profile only: no scenarios, no report. */
  profileOnly: boolean;
  /** The daemon's --transport (auto: native where the addon is built). */
  transport: TransportChoice;
  help: boolean;
}

export const USAGE = `usage: pnpm bench [-- options]
  --quick              small numbers, a few seconds (a smoke test, not a measurement)
  --scenario <name>    run only this scenario; repeatable or comma-separated
                       (${SCENARIOS.join(", ")}; and ${OPTIONAL_SCENARIOS.join(", ")},
                       metrics on vs off, run only when named)
  --out <file>         JSON report (default results/latest.json, quick: results/quick.json);
                       the SVG chart is written beside it
  --workers <n>        load-generator threads (default: number of CPUs)
  --transport <t>      the daemon's transport: ${TRANSPORTS.join(", ")} (default auto: native where
                       the addon is built, else dgram)
  --profile            also profile the daemon (V8 sampling profiler) under broadcast and private
                       load and print its hottest functions
  --profile-only       only the profiling runs
  --help               this text`;

const FLAGS = {
  quick: { type: "boolean" },
  scenario: { type: "string", multiple: true },
  out: { type: "string" },
  workers: { type: "string" },
  transport: { type: "string" },
  profile: { type: "boolean" },
  "profile-only": { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/** Reads the bench's flags (node:util parseArgs, the way every command does); throws why. */
export function parseArgs(argv: readonly string[]): BenchArgs {
  const flags = readCommandLine(argv, FLAGS);
  const known: readonly string[] = [...SCENARIOS, ...OPTIONAL_SCENARIOS];
  const scenarios: ScenarioName[] = [];
  for (const name of (flags.scenario ?? []).flatMap((value) => value.split(","))) {
    if (!known.includes(name)) {
      throw new Error(`unknown scenario "${name}"; known: ${known.join(", ")}`);
    }
    if (!scenarios.includes(name as ScenarioName)) scenarios.push(name as ScenarioName);
  }
  let workers: number | undefined;
  if (flags.workers !== undefined) {
    workers = Number(flags.workers);
    if (!Number.isInteger(workers) || workers < 1 || workers > 64) {
      throw new Error("--workers must be a whole number from 1 to 64");
    }
  }
  const transport = flags.transport ?? "auto";
  if (!(TRANSPORTS as readonly string[]).includes(transport)) {
    throw new Error(`--transport must be one of ${TRANSPORTS.join(", ")}`);
  }
  const profileOnly = flags["profile-only"] ?? false;
  return {
    quick: flags.quick ?? false,
    scenarios: scenarios.length === 0 ? [...SCENARIOS] : scenarios,
    out: flags.out,
    workers,
    profile: (flags.profile ?? false) || profileOnly,
    profileOnly,
    transport: transport as TransportChoice,
    help: flags.help ?? false,
  };
}

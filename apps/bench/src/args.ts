/** The bench's command line. */
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
  --profile            also profile the daemon (V8 sampling profiler) under broadcast and private
                       load and print its hottest functions
  --profile-only       only the profiling runs
  --help               this text`;

export function parseArgs(argv: readonly string[]): BenchArgs {
  const args: BenchArgs = {
    quick: false,
    scenarios: [],
    out: undefined,
    workers: undefined,
    profile: false,
    profileOnly: false,
    help: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [flag, inline] = arg.startsWith("--") && arg.includes("=") ? arg.split("=", 2) : [arg];
    const value = (): string => {
      const next = inline ?? argv[++i];
      if (next === undefined || next.startsWith("--")) throw new Error(`${flag} needs a value`);
      return next;
    };
    switch (flag) {
      case "--":
        break;
      case "--quick":
        args.quick = true;
        break;
      case "--profile":
        args.profile = true;
        break;
      case "--profile-only":
        args.profile = true;
        args.profileOnly = true;
        break;
      case "--help":
      case "-h":
        args.help = true;
        break;
      case "--out":
        args.out = value();
        break;
      case "--workers": {
        const n = Number(value());
        if (!Number.isInteger(n) || n < 1 || n > 64) {
          throw new Error("--workers must be a whole number from 1 to 64");
        }
        args.workers = n;
        break;
      }
      case "--scenario":
        for (const name of value().split(",")) {
          const known: readonly string[] = [...SCENARIOS, ...OPTIONAL_SCENARIOS];
          if (!known.includes(name)) {
            throw new Error(`unknown scenario "${name}"; known: ${known.join(", ")}`);
          }
          if (!args.scenarios.includes(name as ScenarioName)) {
            args.scenarios.push(name as ScenarioName);
          }
        }
        break;
      default:
        throw new Error(`unknown option "${arg}"\n${USAGE}`);
    }
  }
  if (args.scenarios.length === 0) args.scenarios = [...SCENARIOS];
  return args;
}

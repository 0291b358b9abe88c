import { codecTargets } from "./codec-target.js";
import { coreTargets } from "./core-target.js";
import type { FuzzTarget } from "./target.js";

/*
 * `pnpm fuzz`: every target, FUZZ_RUNS times each (default 200,000). FUZZ_SEED replays a
 * run; a failure prints fast-check's shrunk counterexample and its seed, and exits 1.
 */

const numRuns = Number(process.env.FUZZ_RUNS ?? 200_000);
const seed = process.env.FUZZ_SEED === undefined ? Date.now() : Number(process.env.FUZZ_SEED);

const targets: Record<string, FuzzTarget> = {
  ...prefixed("codec", codecTargets),
  ...prefixed("core", coreTargets),
};

function prefixed(group: string, record: Record<string, FuzzTarget>): Record<string, FuzzTarget> {
  return Object.fromEntries(Object.entries(record).map(([name, t]) => [`${group}.${name}`, t]));
}

let failures = 0;
console.log(`fuzz: ${Object.keys(targets).length} targets, ${numRuns} runs each, seed ${seed}`);
for (const [name, target] of Object.entries(targets)) {
  const started = performance.now();
  const verdict = target({ numRuns, seed });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (verdict.failed) {
    failures++;
    console.log(`FAIL ${name} after ${verdict.numRuns} runs (${seconds} s)\n${verdict.report}`);
  } else {
    console.log(`ok   ${name}: ${verdict.numRuns} runs in ${seconds} s`);
  }
}
process.exit(failures > 0 ? 1 : 0);

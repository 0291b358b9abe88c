#!/usr/bin/env node
import { parseCliArgs, USAGE } from "./args.js";
import { formatResult, formatSummary, summarize } from "./reporter.js";
import { runConformance } from "./runner.js";

async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseCliArgs(argv);
  if (parsed.kind === "help") {
    console.log(USAGE);
    return 0;
  }
  if (parsed.kind === "error") {
    console.error(`chat-conformance: ${parsed.message}\n\n${USAGE}`);
    return 2;
  }
  const { target, settings, only, json } = parsed.options;
  if (!json) console.log(`CHAT UDP conformance: ${target.host}:${target.port}`);
  const results = await runConformance({
    target,
    settings,
    only,
    onResult: json ? undefined : (result) => console.log(formatResult(result)),
  });
  const summary = summarize(results);
  if (json) {
    console.log(JSON.stringify({ target, settings, results, ...summary }, null, 2));
  } else {
    if (results.length === 0) console.log(`no check matches --only "${only}"`);
    console.log(formatSummary(summary));
  }
  return summary.failed > 0 || results.length === 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);

import { Opcode } from "@chat/protocol";
import { parseCliArgs, USAGE } from "./args.js";
import { openProbe, type Target } from "./probe.js";
import { formatResult, formatSummary, summarize } from "./reporter.js";
import { runConformance } from "./runner.js";

export interface Output {
  log(line: string): void;
  error(line: string): void;
}

/** Tries of the reachability check, each waiting one `--timeout`. */
const REACH_TRIES = 3;

/**
 * Whether anything answers at `target`: an INFO_REQUEST, tried a few times since UDP may
 * lose one. Returns why not, or `undefined` when something answered.
 */
export async function unreachable(target: Target, timeoutMs: number): Promise<string | undefined> {
  const probe = await openProbe(target);
  try {
    for (let i = 0; i < REACH_TRIES; i++) {
      probe.sendRaw(Uint8Array.of(Opcode.INFO_REQUEST, 0, 0));
      if ((await probe.receive(timeoutMs)) !== undefined) return undefined;
    }
    return `nothing answers INFO_REQUEST at ${target.host}:${target.port} (${REACH_TRIES} tries, ${timeoutMs} ms each): is the server running there?`;
  } finally {
    await probe.close();
  }
}

/** The CLI: runs the checks, prints one line each and a summary; returns the exit code. */
export async function main(argv: readonly string[], out: Output): Promise<number> {
  const parsed = parseCliArgs(argv);
  if (parsed.kind === "help") {
    out.log(USAGE);
    return 0;
  }
  if (parsed.kind === "error") {
    out.error(`chat-conformance: ${parsed.message}\n\n${USAGE}`);
    return 2;
  }
  const { target, others, settings, only, json } = parsed.options;
  let silent: string | undefined;
  for (const each of [target, ...others]) silent ??= await unreachable(each, settings.timeoutMs);
  if (silent !== undefined) {
    if (json) out.log(JSON.stringify({ target, error: silent }, null, 2));
    else out.error(`chat-conformance: ${silent}`);
    return 1;
  }
  if (!json) {
    const nodes = others.map((o) => ` (and ${o.host}:${o.port}, same cluster)`).join("");
    out.log(`CHAT UDP conformance of ${target.host}:${target.port}${nodes}`);
  }
  const results = await runConformance({
    target,
    others,
    settings,
    only,
    onResult: json ? undefined : (result) => out.log(formatResult(result)),
  });
  const summary = summarize(results);
  if (json) {
    out.log(JSON.stringify({ target, settings, results, ...summary }, null, 2));
  } else {
    if (results.length === 0) out.log(`no check matches --only "${only}"`);
    out.log(formatSummary(summary));
  }
  return summary.failed > 0 || results.length === 0 ? 1 : 0;
}

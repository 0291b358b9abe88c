/**
 * The yardsticks of ../shared/yardsticks (issue #12): the daemon side by side with a C
 * server (recvmmsg/sendmmsg), the thinnest node:dgram server and the addon floor, under their
 * C load generator, through scripts/yardsticks.sh (which builds them from ../shared at run
 * time; nothing of theirs is copied here). This module runs the script and reads the
 * tables bench.sh prints, so `pnpm bench` reports the pairs beside its own scenarios.
 */
import { spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { TransportChoice } from "@chat/testkit";

/** One row of a pair's table: A (the first server), B and A/B as bench.sh printed them. */
export interface YardstickRow {
  readonly metric: string;
  readonly a: string;
  readonly b: string;
  readonly ratio: string;
}

export interface YardstickPair {
  /** "--transport native vs C", "addon floor vs C". */
  readonly title: string;
  readonly rows: readonly YardstickRow[];
}

export interface YardsticksResult {
  readonly pairs: readonly YardstickPair[];
}

const SCRIPT = fileURLToPath(new URL("../../scripts/yardsticks.sh", import.meta.url));
const ROOT = fileURLToPath(new URL("../../../../", import.meta.url));

/** The yardsticks folder (YARDSTICKS, else ../shared/yardsticks beside the checkout), if any. */
export function findYardsticks(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dir = resolve(env.YARDSTICKS ?? resolve(ROOT, "..", "shared", "yardsticks"));
  try {
    accessSync(resolve(dir, "bench.sh"), constants.X_OK);
    return dir;
  } catch {
    return undefined;
  }
}

/**
 * Runs the pairs: with `auto` both transports against the C server and the baseline, else
 * only the transport asked for; then the addon floor against the C server.
 */
export async function runYardsticks(
  dir: string,
  transport: TransportChoice,
  log: (line: string) => void,
): Promise<YardsticksResult> {
  const env = {
    ...process.env,
    YARDSTICKS: dir,
    ...(transport === "auto" ? {} : { TRANSPORTS: transport }),
  };
  const child = spawn("bash", [SCRIPT], { env, stdio: ["ignore", "pipe", "inherit"] });
  const lines: string[] = [];
  createInterface({ input: child.stdout }).on("line", (line) => {
    lines.push(line);
    log(`  ${line}`);
  });
  const code = await new Promise<number | null>((done) => child.on("close", done));
  if (code !== 0) throw new Error(`scripts/yardsticks.sh exited with ${code}`);
  return { pairs: parseYardsticks(lines) };
}

/** A table row: "(b) private p99 latency @5000 msgs/s (us)   84.0   33.8   2.49". */
const ROW = /^(\([abc]\) .+?)\s{2,}(\S+)\s+(\S+)\s+(\S+)$/;

/** Reads the pairs out of the script's output: a "=== title" line, then bench.sh's table. */
export function parseYardsticks(lines: readonly string[]): YardstickPair[] {
  const pairs: Array<{ title: string; rows: YardstickRow[] }> = [];
  for (const line of lines) {
    if (line.startsWith("=== ")) {
      pairs.push({ title: line.slice(4), rows: [] });
      continue;
    }
    const row = ROW.exec(line);
    const pair = pairs.at(-1);
    if (row === null || pair === undefined) continue;
    const [, metric, a, b, ratio] = row as unknown as [string, string, string, string, string];
    pair.rows.push({ metric, a, b, ratio });
  }
  return pairs;
}

/** The pairs as markdown tables, for results/latest.md. */
export function yardsticksTables(result: YardsticksResult): string {
  return result.pairs
    .map((pair) =>
      [
        `**${pair.title}** (rates: first/second above 1 means the first is faster; latency and time: below 1)`,
        "",
        "| metric | first | second | first/second |",
        "|---|---|---|---|",
        ...pair.rows.map((r) => `| ${r.metric} | ${r.a} | ${r.b} | ${r.ratio} |`),
      ].join("\n"),
    )
    .join("\n\n");
}

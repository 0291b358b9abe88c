import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import type { BenchReport } from "./report.js";

// Runs the built bench (pnpm turbo run build --filter=bench... first), as `pnpm bench
// --quick` would, against the real daemon and the baseline on 127.0.0.1.
const MAIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "chat-bench-"));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runQuick(out: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [MAIN, "--quick", "--out", out],
      { timeout: 150_000, killSignal: "SIGKILL" },
      (_error, stdout, stderr) => resolve({ code: child.exitCode, output: stdout + stderr }),
    );
  });
}

describe("pnpm bench --quick", () => {
  it("reports every scenario with numbers for ours, the baseline and their ratio", async () => {
    const out = join(dir, "report.json");
    const { code, output } = await runQuick(out);
    expect(code, output).toBe(0);
    const report = JSON.parse(readFileSync(out, "utf8")) as BenchReport;

    expect(Object.keys(report.scenarios).sort()).toEqual(
      ["broadcast", "cluster", "listPush", "memory", "private", "registration"].sort(),
    );
    const scenariosWithFigures = new Set(report.figures.map((f) => f.scenario.split(" ")[0]));
    expect([...scenariosWithFigures].sort()).toEqual(
      ["broadcast", "list", "memory", "private", "registration"].sort(),
    );
    for (const figure of report.figures) {
      expect(Number.isFinite(figure.ours), `${figure.scenario}: ${figure.metric}`).toBe(true);
      // Only the list push has no baseline figure: the baseline has no list push.
      if (figure.scenario.startsWith("list push")) continue;
      expect(Number.isFinite(figure.baseline), `${figure.scenario}: ${figure.metric}`).toBe(true);
      expect(Number.isFinite(figure.ratio), `${figure.scenario}: ${figure.metric}`).toBe(true);
    }
    expect(report.targets).toHaveLength(6);
    // The header says which transport the daemon ran, and why.
    expect(report.daemonTransport).toMatch(/^(native|dgram): \S/);
    for (const target of report.targets) {
      expect(Number.isFinite(target.value), target.name).toBe(true);
      expect(typeof target.pass).toBe("boolean");
    }
    // Traffic really flowed: forwards were received and list pushes arrived.
    expect(report.scenarios.broadcast?.rungs[0]?.ours?.unique).toBeGreaterThan(0);
    expect(report.scenarios.private?.rungs[0]?.baseline?.unique).toBeGreaterThan(0);
    expect(report.scenarios.listPush?.packets).toBeGreaterThan(0);
    // Cluster mode beside the lone node, with what each BROADCAST cost in Redis.
    const cluster = report.scenarios.cluster;
    expect(cluster?.single[0]?.unique).toBeGreaterThan(0);
    expect(cluster?.cluster[0]?.unique).toBeGreaterThan(0);
    expect(cluster?.cluster[0]?.redisScriptsPerMessage).toBeGreaterThanOrEqual(1);
    expect(cluster?.sentinel[0]?.unique).toBeGreaterThan(0);
    expect(cluster?.failover?.newNamesRefusedMs.every(Number.isFinite)).toBe(true);
    expect(output).toMatch(/\| offered\/s \| single: deliveries\/s \| cluster: deliveries\/s/);
    expect(output).toMatch(/^(PASS|FAIL) {2}broadcast deliveries\/s vs baseline/m);

    const chart = out.replace(/\.json$/, ".svg");
    expect(existsSync(chart)).toBe(true);
    expect(readFileSync(chart, "utf8")).toMatch(/^<svg [^>]*>[\s\S]*<polyline[\s\S]*<\/svg>\n$/);
  }, 180_000);
});

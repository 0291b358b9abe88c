import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import type { BenchReport } from "../report.js";

// Runs the built bench (pnpm turbo run build --filter=bench... first) as
// `pnpm bench -- --quick --scenario metrics` would, against two real daemons on 127.0.0.1.
const MAIN = fileURLToPath(new URL("../../dist/main.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "chat-bench-metrics-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("pnpm bench -- --scenario metrics", () => {
  it("prints server CPU per delivery with metrics on and off, and their ratio", async () => {
    const out = join(dir, "report.json");
    const { code, output } = await new Promise<{ code: number | null; output: string }>(
      (resolve) => {
        const child = execFile(
          process.execPath,
          [MAIN, "--quick", "--scenario", "metrics", "--out", out],
          { timeout: 120_000, killSignal: "SIGKILL" },
          (_error, stdout, stderr) => resolve({ code: child.exitCode, output: stdout + stderr }),
        );
      },
    );
    expect(code, output).toBe(0);
    const result = (JSON.parse(readFileSync(out, "utf8")) as BenchReport).scenarios.metrics;
    expect(result?.scrapes).toBeGreaterThan(0);
    expect(result?.exposureBytes).toBeGreaterThan(1000);
    for (const variant of [result?.off, result?.on]) {
      expect(variant?.deliveriesPerSecond).toBeGreaterThan(0);
      expect(Number.isFinite(variant?.serverCpuUsPerDelivery)).toBe(true);
    }
    expect(Number.isFinite(result?.cpuPerDeliveryRatio)).toBe(true);
    expect(output).toMatch(
      /server CPU per delivery: off [\d.]+ µs, on [\d.]+ µs, ratio on\/off [\d.]+/,
    );
    // Only what was asked for ran.
    expect(Object.keys(JSON.parse(readFileSync(out, "utf8")).scenarios)).toEqual(["metrics"]);
  }, 150_000);
});

import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findYardsticks, parseYardsticks, yardsticksTables } from "./yardsticks.js";

// What scripts/yardsticks.sh printed for one pair (run 7 in BENCHMARKS.md), progress lines
// and bench.sh's notes included.
const OUTPUT = `bench:yardsticks: raw results under /tmp/run7; load average: 0.32 1.28 3.74

=== --transport native vs C

CHAT UDP bench  (runs of 2s + 0.5s warm-up; pass = loss<1%, p99<100ms; 59s; raw: /tmp/run7/native-C/results.jsonl)
A: node dist/main.js --host 127.0.0.1 --port {port} --no-rate-limit --log-level warn --transport native
B: /tmp/chat-yardsticks/ref-server --host 127.0.0.1 --port {port}
metric                                                    A            B     A/B
(a) broadcast max deliveries/s passing               566000       566000    1.00
(b) private saturated msgs/s                        >=80047      >=80039    1.00
(b) private p99 latency @5000 msgs/s (us)              84.0         33.8    2.49
(c) register 5000 clients (s, median)                0.0918       0.0160    5.74
(throughput rows: A/B > 1 means A is faster; latency and time rows: A/B < 1 means A is faster)
('>=' : no rung failed, the server was not saturated by the top rung)

=== addon floor vs C
metric                                                    A            B     A/B
(c) register 5000 clients (s, median)                0.0438       0.0182    2.41
`.split("\n");

describe("the yardsticks' tables", () => {
  it("reads each pair's rows with their figures and ratio, and nothing else", () => {
    const pairs = parseYardsticks(OUTPUT);
    expect(pairs.map((p) => p.title)).toEqual(["--transport native vs C", "addon floor vs C"]);
    expect(pairs[0]!.rows).toEqual([
      { metric: "(a) broadcast max deliveries/s passing", a: "566000", b: "566000", ratio: "1.00" },
      { metric: "(b) private saturated msgs/s", a: ">=80047", b: ">=80039", ratio: "1.00" },
      { metric: "(b) private p99 latency @5000 msgs/s (us)", a: "84.0", b: "33.8", ratio: "2.49" },
      { metric: "(c) register 5000 clients (s, median)", a: "0.0918", b: "0.0160", ratio: "5.74" },
    ]);
    expect(pairs[1]!.rows).toHaveLength(1);
  });

  it("renders them as markdown tables for results/latest.md", () => {
    const table = yardsticksTables({ pairs: parseYardsticks(OUTPUT) });
    expect(table).toContain("**addon floor vs C**");
    expect(table).toContain("| (c) register 5000 clients (s, median) | 0.0918 | 0.0160 | 5.74 |");
  });
});

describe("finding the yardsticks", () => {
  const dir = mkdtempSync(join(tmpdir(), "yardsticks-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("takes YARDSTICKS when it holds an executable bench.sh, and says none otherwise", () => {
    expect(findYardsticks({ YARDSTICKS: dir })).toBeUndefined();
    writeFileSync(join(dir, "bench.sh"), "#!/bin/sh\n");
    expect(findYardsticks({ YARDSTICKS: dir })).toBeUndefined(); // not executable yet
    chmodSync(join(dir, "bench.sh"), 0o755);
    expect(findYardsticks({ YARDSTICKS: dir })).toBe(dir);
  });
});

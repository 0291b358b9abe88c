/**
 * --profile: runs the daemon under the V8 sampling profiler (started by the probe, as
 * `node --cpu-prof` would) with broadcast and then private load
 * and prints the functions that take most of its CPU, so the core and daemon owners know
 * where to look. The .cpuprofile files stay in results/profiles/ for Chrome DevTools.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { BenchConfig } from "./config.js";
import { type CpuProfile, type HotSpot, hotSpots } from "./cpu-profile.js";
import { Fleet } from "./load/fleet.js";
import type { TrafficKind } from "./load/messages.js";
import type { WorkerPool } from "./load/pool.js";
import { startServer } from "./servers.js";

const REPO = fileURLToPath(new URL("../../../", import.meta.url));
const PROFILES = fileURLToPath(new URL("../results/profiles/", import.meta.url));

async function profileOne(
  pool: WorkerPool,
  traffic: TrafficKind,
  users: number,
  senders: number,
  rate: number,
  seconds: number,
): Promise<HotSpot[]> {
  mkdirSync(PROFILES, { recursive: true });
  const target = join(PROFILES, `${traffic}.cpuprofile`);
  const server = await startServer("ours", { cpuProfilePath: target });
  try {
    const fleet = await Fleet.open(pool, `profile-${traffic}`, server, users);
    await fleet.register();
    await fleet.run(traffic, senders, rate, seconds * 1000);
    await server.probe.stopProfile();
    await fleet.close();
  } finally {
    await server.stop();
  }
  return hotSpots(JSON.parse(readFileSync(target, "utf8")) as CpuProfile, REPO);
}

export async function runProfiles(
  pool: WorkerPool,
  config: BenchConfig,
  log: (line: string) => void,
): Promise<void> {
  const seconds = config.mode === "quick" ? 1 : 8;
  const b = config.broadcast;
  const p = config.private;
  const runs: Array<[TrafficKind, number, number, number]> = [
    ["broadcast", b.users, b.senders, b.rates[Math.floor(b.rates.length / 2)] as number],
    ["private", p.users, p.users, p.latencyRate],
  ];
  const summary: Record<string, HotSpot[]> = {};
  for (const [traffic, users, senders, rate] of runs) {
    log(
      `\n== cpu profile of the daemon: ${traffic}, ${users} users, ${rate} msgs/s for ${seconds} s`,
    );
    const spots = await profileOne(pool, traffic, users, senders, rate, seconds);
    summary[traffic] = spots.slice(0, 40);
    const ours = spots.filter((s) => /packages\/(core|protocol)\/|apps\/server\//.test(s.url));
    log("  top self time, whole process:");
    for (const s of spots.slice(0, 12))
      log(`    ${(s.selfShare * 100).toFixed(1).padStart(5)} %  ${s.where}`);
    log("  top self time in core, protocol and server code:");
    for (const s of ours.slice(0, 12))
      log(`    ${(s.selfShare * 100).toFixed(1).padStart(5)} %  ${s.where}`);
  }
  writeFileSync(join(PROFILES, "hot-spots.json"), `${JSON.stringify(summary, null, 2)}\n`);
  log(`\nprofiles in ${PROFILES}`);
}

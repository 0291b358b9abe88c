/**
 * Readers of Linux /proc counters, so the bench can tell whose CPU and whose socket buffer
 * ran out: the server's or the load generator's. Each returns undefined (not zeros) where
 * /proc is missing, and the report says "n/a" rather than a made-up figure.
 */
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";

/** Clock ticks per second of /proc/<pid>/stat times; 100 on every mainstream Linux. */
const CLOCK_TICKS = 100;

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

/** The kernel's UDP counters (/proc/net/snmp), e.g. RcvbufErrors, SndbufErrors. */
export function readUdpCounters(): Record<string, number> | undefined {
  const text = readText("/proc/net/snmp");
  if (text === undefined) return undefined;
  const lines = text.split("\n").filter((line) => line.startsWith("Udp: "));
  const [header, values] = lines;
  if (header === undefined || values === undefined) return undefined;
  const names = header.split(/\s+/).slice(1);
  const numbers = values.split(/\s+/).slice(1).map(Number);
  return Object.fromEntries(names.map((name, i) => [name, numbers[i] ?? 0]));
}

/** The change in each counter between two readings. */
export function counterDelta(
  before: Record<string, number> | undefined,
  after: Record<string, number> | undefined,
): Record<string, number> | undefined {
  if (!before || !after) return undefined;
  return Object.fromEntries(Object.keys(after).map((k) => [k, (after[k] ?? 0) - (before[k] ?? 0)]));
}

/** Per-socket receive drops from /proc/net/udp, keyed by local port. */
export function readUdpSocketDrops(): Map<number, number> | undefined {
  const text = readText("/proc/net/udp");
  if (text === undefined) return undefined;
  const drops = new Map<number, number>();
  for (const line of text.split("\n").slice(1)) {
    const fields = line.trim().split(/\s+/);
    const local = fields[1];
    const dropped = fields[12];
    if (local === undefined || dropped === undefined) continue;
    const port = Number.parseInt(local.split(":")[1] ?? "", 16);
    drops.set(port, (drops.get(port) ?? 0) + Number(dropped));
  }
  return drops;
}

/** Sum of the drop deltas of the sockets bound to `ports`. */
export function dropsOn(
  ports: Iterable<number>,
  before: Map<number, number> | undefined,
  after: Map<number, number> | undefined,
): number | undefined {
  if (!before || !after) return undefined;
  let sum = 0;
  for (const port of ports) sum += (after.get(port) ?? 0) - (before.get(port) ?? 0);
  return sum;
}

/** CPU seconds (user + system) from a /proc .../stat file. */
function statCpuSeconds(path: string): number | undefined {
  const text = readText(path);
  if (text === undefined) return undefined;
  // Fields after the ")" closing the command name: state is field 3, utime 14, stime 15.
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** CPU seconds used so far by the calling thread (a worker's own share). */
export function threadCpuSeconds(): number | undefined {
  return statCpuSeconds("/proc/thread-self/stat");
}

/** CPU seconds used so far by a whole process. */
export function processCpuSeconds(pid: number): number | undefined {
  return statCpuSeconds(`/proc/${pid}/stat`);
}

/** Resident set size of a process in bytes (VmRSS of /proc/<pid>/status). */
export function processRssBytes(pid: number): number | undefined {
  const text = readText(`/proc/${pid}/status`);
  const match = text?.match(/^VmRSS:\s+(\d+) kB/m);
  return match ? Number(match[1]) * 1024 : undefined;
}

/** What the report states about the machine the figures came from. */
export interface MachineInfo {
  nproc: number;
  cpu: string;
  node: string;
  os: string;
  /** 1-minute load average when the run started: other work competing for the CPUs. */
  loadAverage: number | null;
}

export function machineInfo(): MachineInfo {
  const cpuinfo = readText("/proc/cpuinfo") ?? "";
  const model = cpuinfo.match(/^model name\s*:\s*(.+)$/m)?.[1]?.trim();
  return {
    nproc: availableParallelism(),
    cpu: model ?? "unknown",
    node: process.version,
    os: `${process.platform} ${readText("/proc/sys/kernel/osrelease")?.trim() ?? ""}`.trim(),
    loadAverage: loadAverage() ?? null,
  };
}

export function loadAverage(): number | undefined {
  const text = readText("/proc/loadavg");
  return text === undefined ? undefined : Number(text.split(" ")[0]);
}

/** Busy and total CPU seconds of the whole machine (/proc/stat, all cores summed). */
export function machineCpuSeconds(): { busy: number; total: number } | undefined {
  const line = readText("/proc/stat")?.split("\n")[0];
  if (!line?.startsWith("cpu ")) return undefined;
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  const total = ticks.reduce((a, b) => a + b, 0);
  // idle and iowait are the 4th and 5th numbers.
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  return { busy: (total - idle) / CLOCK_TICKS, total: total / CLOCK_TICKS };
}

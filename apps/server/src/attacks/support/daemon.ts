import { type DaemonHandle, type LogLine, startDaemon, withDefaults } from "../../testing/index.js";

/** pino's numeric levels. */
export const LEVEL = { debug: 20, info: 30, warn: 40, error: 50, fatal: 60 } as const;

/** The real daemon as a child process on 127.0.0.1, logging at info, a stats line every 250 ms. */
export function startAttackDaemon(args: readonly string[] = []): Promise<DaemonHandle> {
  return startDaemon({
    args: withDefaults(args, ["--log-level", "info", "--stats-interval", "0.25"]),
  });
}

/** The daemon's "stats" log lines so far. */
export function statsLines(daemon: DaemonHandle): LogLine[] {
  return daemon.logs().filter((line) => line.msg === "stats");
}

/** The next stats line written after this call. */
export async function freshStats(daemon: DaemonHandle): Promise<LogLine> {
  const seen = statsLines(daemon).length;
  let count = 0;
  return daemon.waitForLog((line) => line.msg === "stats" && ++count > seen, 5_000);
}

/** A number field of a log line, by dotted path ("drops.malformed"); 0 when absent. */
export function field(line: LogLine, path: string): number {
  let value: unknown = line;
  for (const key of path.split(".")) {
    value =
      typeof value === "object" && value !== null
        ? (value as Record<string, unknown>)[key]
        : undefined;
  }
  return typeof value === "number" ? value : 0;
}

/** Log lines at error level or above: an internal error or a crash. */
export function errorLines(daemon: DaemonHandle): LogLine[] {
  return daemon.logs().filter((line) => (line.level ?? 0) >= LEVEL.error);
}

export function isAlive(daemon: DaemonHandle): boolean {
  return daemon.process.exitCode === null && daemon.process.signalCode === null;
}

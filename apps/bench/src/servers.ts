/**
 * Starts the servers under test as child processes, each with the probe preloaded: the real
 * daemon (apps/server, through the test kit's startDaemon) and the baseline
 * (baseline-server.ts). Every child is killed when the bench exits, however it exits.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { startDaemon, type TransportChoice } from "@chat/testkit";
import { ProbeClient } from "./probe-client.js";

export type ServerKind = "ours" | "baseline";

export interface ServerOptions {
  /** Seconds between list pushes (daemon only); 0, the default, turns them off. */
  listIntervalSeconds?: number;
  /** Profile the server from its start; `probe.stopProfile()` writes the profile here. */
  cpuProfilePath?: string;
  /** Serve Prometheus metrics on a free port (daemon only); see `metricsPort`. */
  metrics?: boolean;
}

export interface RunningServer {
  readonly kind: ServerKind;
  readonly host: string;
  readonly port: number;
  readonly pid: number;
  readonly probe: ProbeClient;
  /** The HTTP port of /metrics, when started with `metrics`. */
  readonly metricsPort?: number;
  stop(): Promise<void>;
}

export const HOST = "127.0.0.1";
const BASELINE = fileURLToPath(new URL("./baseline-server.js", import.meta.url));
const PROBE = new URL("./probe.js", import.meta.url).href;
const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 10_000;

const children = new Set<ChildProcess>();
let daemonTransport: TransportChoice = "auto";
let transportRan: string | undefined;

/** Every daemon started from now on runs with `--transport choice`. */
export function setDaemonTransport(choice: TransportChoice): void {
  daemonTransport = choice;
}

/** What the last daemon said it runs, and why ("dgram: --transport dgram"), once one ran. */
export function daemonTransportRan(): string | undefined {
  return transportRan;
}

process.on("exit", () => {
  for (const child of children) child.kill("SIGKILL");
});

/**
 * The daemon runs as an operator would for a benchmark: rate limits off (docs/protocol.md#6-abuse-limits),
 * user timeout off (idle receivers must not expire mid-run) and list pushes off unless a
 * scenario measures them, logging at warn.
 */
function daemonArgs(options: ServerOptions): string[] {
  return [
    "--no-rate-limit",
    "--log-level",
    "warn",
    "--user-timeout",
    "0",
    "--list-interval",
    String(options.listIntervalSeconds ?? 0),
    "--transport",
    daemonTransport,
    ...(options.metrics ? ["--metrics", `${HOST}:0`] : []),
  ];
}

export async function startServer(
  kind: ServerKind,
  options: ServerOptions = {},
): Promise<RunningServer> {
  const probe = await ProbeClient.open();
  // NODE_OPTIONS reaches the daemon through the test kit's env without changing its args.
  const env: Record<string, string> = {
    BENCH_PROBE_PORT: String(probe.port),
    BENCH_PROBE_MS: "100",
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --import=${PROBE}`.trim(),
  };
  if (options.cpuProfilePath) env.BENCH_PROBE_CPU_PROFILE = options.cpuProfilePath;
  try {
    const server = kind === "ours" ? await startOurs(options, env) : await startBaseline(env);
    await probe.ready();
    return {
      kind,
      host: HOST,
      port: server.port,
      pid: server.pid,
      probe,
      metricsPort: server.metricsPort,
      stop: async () => {
        await server.stop();
        probe.close();
      },
    };
  } catch (error) {
    probe.close();
    throw error;
  }
}

interface Started {
  port: number;
  pid: number;
  metricsPort?: number;
  stop(): Promise<void>;
}

async function startOurs(options: ServerOptions, env: Record<string, string>): Promise<Started> {
  const daemon = await startDaemon({ args: daemonArgs(options), env });
  const listening = daemon.logs().find((line) => line.msg === "listening");
  if (listening !== undefined) transportRan = `${listening.transport}: ${listening.transportWhy}`;
  const metrics = options.metrics
    ? await daemon.waitForLog((line) => line.msg === "metrics listening")
    : undefined;
  return {
    port: daemon.port,
    metricsPort: metrics === undefined ? undefined : Number(metrics.port),
    pid: daemon.process.pid as number,
    stop: async () => {
      await daemon.stop("SIGTERM", STOP_TIMEOUT_MS);
    },
  };
}

async function startBaseline(env: Record<string, string>): Promise<Started> {
  const child = spawn(process.execPath, [BASELINE, "--host", HOST], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  exited.then(() => children.delete(child));
  try {
    const port = await listeningPort(child);
    return {
      port,
      pid: child.pid as number,
      stop: async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
        await exited;
        clearTimeout(timer);
      },
    };
  } catch (error) {
    child.kill("SIGKILL");
    throw error;
  }
}

/** Waits for the JSON log line {"msg":"listening","port":N}; keeps the output for errors. */
function listeningPort(child: ChildProcess): Promise<number> {
  const tail: string[] = [];
  const keep = (line: string) => {
    tail.push(line);
    if (tail.length > 20) tail.shift();
  };
  if (child.stderr) createInterface({ input: child.stderr }).on("line", keep);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail("did not report listening in time"), START_TIMEOUT_MS);
    const fail = (why: string) => {
      clearTimeout(timer);
      reject(new Error(`baseline server ${why}:\n${tail.join("\n")}`));
    };
    child.once("exit", (code, signal) => fail(`exited (${signal ?? code}) before listening`));
    if (!child.stdout) return fail("has no stdout");
    createInterface({ input: child.stdout }).on("line", (line) => {
      keep(line);
      const port = parseListening(line);
      if (port === undefined) return;
      clearTimeout(timer);
      resolve(port);
    });
  });
}

function parseListening(line: string): number | undefined {
  if (!line.startsWith("{")) return undefined;
  try {
    const record = JSON.parse(line) as { msg?: unknown; port?: unknown };
    return record.msg === "listening" && typeof record.port === "number" ? record.port : undefined;
  } catch {
    return undefined;
  }
}

/** Kills every child still running (for SIGINT and fatal errors). */
export function killAllServers(): void {
  for (const child of children) child.kill("SIGKILL");
}

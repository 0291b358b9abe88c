import { type ChildProcess, spawn } from "node:child_process";
import { createSocket } from "node:dgram";
import { existsSync, readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

/**
 * The server's entry point, built by `pnpm turbo run build --filter=server`: the same path
 * from src/testing (tests run on source) and from dist/testing (the built package).
 */
export const SERVER_MAIN: string = fileURLToPath(new URL("../../dist/main.js", import.meta.url));

/** One JSON log line of the server (pino: level, time, msg and the line's own fields). */
export type LogLine = Record<string, unknown> & { readonly msg?: string; readonly level?: number };

export interface StartDaemonOptions {
  /** Extra flags, after `--host 127.0.0.1 --port 0` (so they may override those). */
  readonly args?: readonly string[];
  /** Environment for the server; the caller's CHAT_* variables are never passed on. */
  readonly env?: Readonly<Record<string, string>>;
  /** How long to wait for the "listening" line. Default 10 s. */
  readonly startupTimeoutMs?: number;
  /**
   * A command the server runs under, e.g. `["ip", "netns", "exec", "ns1"]` (it must exec
   * the server in its place, so that signals reach the server).
   */
  readonly runUnder?: readonly string[];
}

export interface DaemonHandle {
  /** The address the server listens on (127.0.0.1 unless the args chose another). */
  readonly host: string;
  readonly port: number;
  readonly process: ChildProcess;
  /** Every JSON line the server has written to stdout so far, parsed. */
  logs(): LogLine[];
  /** Everything the server has written to stderr so far. */
  stderr(): string;
  /** The first log line (already written or still to come) that matches. */
  waitForLog(predicate: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  /** Resolves with the exit code (null if killed by a signal) whenever the server exits. */
  readonly exited: Promise<number | null>;
  /** Signals the server (default SIGTERM), SIGKILLs it after `killAfterMs`; the exit code. */
  stop(signal?: NodeJS.Signals, killAfterMs?: number): Promise<number | null>;
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Spawns the real daemon on 127.0.0.1, port 0, and resolves once it logs "listening". */
export async function startDaemon(options: StartDaemonOptions = {}): Promise<DaemonHandle> {
  const args = withDefaults(options.args ?? [], ["--host", "127.0.0.1", "--port", "0"]);
  const child = spawnServer(args, options.env, options.runUnder);
  const lines: LogLine[] = [];
  const watchers = new Set<(line: LogLine) => void>();
  let errText = "";
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    errText += chunk;
  });
  createInterface({ input: child.stdout! }).on("line", (text) => {
    const line = parseLine(text);
    lines.push(line);
    for (const watch of [...watchers]) watch(line);
  });
  // "close", not "exit": it comes after stdout has ended, so logs() then has every line.
  const exited = new Promise<number | null>((resolve) => {
    child.once("close", (code) => {
      running.delete(child);
      resolve(code);
    });
  });

  const waitForLog = (predicate: (line: LogLine) => boolean, timeoutMs = 5000) => {
    const found = lines.find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise<LogLine>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        watchers.delete(watch);
      };
      const watch = (line: LogLine) => {
        if (!predicate(line)) return;
        done();
        resolve(line);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no matching server log line within ${timeoutMs} ms`));
      }, timeoutMs);
      watchers.add(watch);
    });
  };

  const stop = async (signal: NodeJS.Signals = "SIGTERM", killAfterMs = 10_000) => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill(signal);
      const timer = setTimeout(() => child.kill("SIGKILL"), killAfterMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    }
    return exited;
  };

  const timeoutMs = options.startupTimeoutMs ?? 10_000;
  return new Promise<DaemonHandle>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`server did not log "listening" within ${timeoutMs} ms: ${errText}`));
    }, timeoutMs);
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with code ${code} before listening: ${errText.trim()}`));
    });
    waitForLog((line) => line.msg === "listening", timeoutMs + 1000).then((line) => {
      clearTimeout(timer);
      resolve({
        host: String(line.address),
        port: Number(line.port),
        process: child,
        logs: () => lines.slice(),
        stderr: () => errText,
        waitForLog,
        exited,
        stop,
      });
    }, reject);
  });
}

export interface ServerRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the server to completion (`--help`, `--version`, a bad flag): its output and exit code. */
export async function runServer(
  args: readonly string[],
  options: { env?: Readonly<Record<string, string>>; timeoutMs?: number } = {},
): Promise<ServerRun> {
  const child = spawnServer(args, options.env);
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
  });
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const timeoutMs = options.timeoutMs ?? 10_000;
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  return new Promise((resolve) => {
    child.once("close", (code) => {
      clearTimeout(timer);
      running.delete(child);
      resolve({ code, stdout, stderr });
    });
  });
}

function spawnServer(
  args: readonly string[],
  env: StartDaemonOptions["env"],
  runUnder: readonly string[] = [],
): ChildProcess {
  if (!existsSync(SERVER_MAIN)) {
    throw new Error(`${SERVER_MAIN} is missing: run pnpm turbo run build --filter=server first`);
  }
  const [command, ...prefix] = [...runUnder, process.execPath];
  const child = spawn(command as string, [...prefix, SERVER_MAIN, ...args], {
    env: { ...inheritedEnv(), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  installExitHook();
  return child;
}

// The caller's own CHAT_* settings would make tests depend on the shell they run in. One is
// meant for them: CHAT_TEST_TRANSPORT runs every spawned server on that transport (the
// server suites run once per transport); an explicit --transport flag still wins.
function inheritedEnv(): Record<string, string | undefined> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith("CHAT_")),
  );
  const transport = process.env.CHAT_TEST_TRANSPORT;
  return transport ? { ...env, CHAT_TRANSPORT: transport } : env;
}

// A test runner that dies before afterAll must not leave servers behind.
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const child of running) child.kill("SIGKILL");
  });
}

function parseLine(text: string): LogLine {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      return value as LogLine;
    }
  } catch {
    // Not JSON (pretty output, a stray print): keep it as text.
  }
  return { raw: text };
}

/**
 * `defaults` (flag, value pairs) in front of `args`, minus those `args` sets itself: the
 * daemon refuses a flag given twice, and a caller's flag wins.
 */
export function withDefaults(args: readonly string[], defaults: readonly string[]): string[] {
  const given = new Set(args.map((arg) => arg.split("=", 1)[0]));
  const kept: string[] = [];
  for (let i = 0; i < defaults.length; i += 2) {
    if (!given.has(defaults[i] as string))
      kept.push(defaults[i] as string, defaults[i + 1] as string);
  }
  return [...kept, ...args];
}

/**
 * A UDP port on 127.0.0.1 for a server that a test stops and starts again on the same
 * port. It lies below the kernel's ephemeral range, so no socket bound to port 0 (a
 * client, another test file's server) can take it in between: with port 0 the first
 * server's port is ephemeral, and a parallel test once took it (bind EADDRINUSE on the
 * restart). Random in that range, so parallel files rarely pick the same one, and bound
 * once to check it is free.
 */
export async function restartablePort(): Promise<number> {
  const below = ephemeralStart();
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 10_000 + Math.floor(Math.random() * (below - 10_000));
    if (await bindable(port)) return port;
  }
  throw new Error(`no free UDP port between 10000 and ${below} on 127.0.0.1`);
}

/** The first port the kernel hands out for port 0 (Linux; IANA's 49152 elsewhere). */
function ephemeralStart(): number {
  try {
    const [low] = readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").split(/\s+/);
    const start = Number(low);
    if (Number.isInteger(start) && start > 11_000) return start;
  } catch {
    // Not Linux.
  }
  return 49_152;
}

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket("udp4");
    socket.once("error", () => {
      socket.close();
      resolve(false);
    });
    socket.bind(port, "127.0.0.1", () => socket.close(() => resolve(true)));
  });
}

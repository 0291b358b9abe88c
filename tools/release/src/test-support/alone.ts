import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { createInterface } from "node:readline";

/*
 * Artifacts run as a friend runs them: each copied into a fresh folder of its own, with no
 * node_modules there or in any folder above it and no workspace around it.
 */

const folders: string[] = [];
const children = new Set<ChildProcess>();
// A test runner that dies before afterAll must not leave processes behind.
process.once("exit", () => {
  for (const child of children) child.kill("SIGKILL");
});

/** Removes every folder alone() made (a test file's afterAll; some hold a 100 MB binary). */
export function removeAloneFolders(): void {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
}

/** A new empty folder holding copies of `files`; throws if a node_modules could be reached. */
export function alone(...files: string[]): string {
  const folder = mkdtempSync(join(tmpdir(), "chat-alone-"));
  folders.push(folder);
  for (let dir = folder; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "node_modules")) || existsSync(join(dir, "pnpm-workspace.yaml"))) {
      throw new Error(`${dir} has a node_modules or a workspace: not an empty place to test in`);
    }
    if (dirname(dir) === dir) break;
  }
  for (const file of files) copyFileSync(file, join(folder, basename(file)));
  return folder;
}

export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `command` in `cwd` to completion, or until its output satisfies `until` (then it is
 * stopped); killed after `timeoutMs`.
 */
export function run(
  command: string,
  args: readonly string[],
  options: {
    cwd: string;
    env?: NodeJS.ProcessEnv;
    timeoutMs?: number;
    until?: (stdout: string) => boolean;
  },
): Promise<RunResult> {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
    if (options.until?.(stdout)) child.kill("SIGTERM");
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 20_000);
  return new Promise((resolve) => {
    child.once("close", (code) => {
      clearTimeout(timer);
      children.delete(child);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A running bundled server and its startup line. */
export interface BundledServer {
  readonly port: number;
  readonly address: string;
  /** The "listening" line: transport, transportWhy, version, settings. */
  readonly listening: Record<string, unknown>;
  /** The first JSON line on stdout (written already or still to come) that matches. */
  logLine(
    predicate: (line: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

/** Starts `node chat-server.mjs` in `folder` on 127.0.0.1, port 0; resolves once listening. */
export async function startBundledServer(
  folder: string,
  args: readonly string[] = [],
): Promise<BundledServer> {
  const child = spawn(
    process.execPath,
    ["chat-server.mjs", "--host", "127.0.0.1", "--port", "0", ...args],
    { cwd: folder, env: withoutChatVariables(), stdio: ["ignore", "pipe", "pipe"] },
  );
  children.add(child);
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const closed = new Promise<void>((resolve) => child.once("close", () => resolve()));
  const stop = async () => {
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await closed;
    clearTimeout(timer);
    children.delete(child);
  };
  const lines: Record<string, unknown>[] = [];
  const watchers = new Set<() => void>();
  createInterface({ input: child.stdout }).on("line", (text) => {
    const line = parseObject(text);
    if (line === undefined) return;
    lines.push(line);
    for (const watch of [...watchers]) watch();
  });
  const logLine = (predicate: (line: Record<string, unknown>) => boolean, timeoutMs = 15_000) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const check = () => {
        const found = lines.find(predicate);
        if (found === undefined) return;
        done();
        resolve(found);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no such log line within ${timeoutMs} ms; stderr: ${stderr}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        watchers.delete(check);
      };
      watchers.add(check);
      check();
    });
  const exitedEarly = closed.then(() => {
    throw new Error(`the bundled server exited before listening: ${stderr}`);
  });
  const listening = await Promise.race([
    logLine((line) => line.msg === "listening"),
    exitedEarly,
  ]).catch((error: unknown) => {
    child.kill("SIGKILL");
    throw error;
  });
  exitedEarly.catch(() => {}); // later exits are the test's business
  return {
    port: Number(listening.port),
    address: String(listening.address),
    listening,
    logLine,
    stop,
  };
}

/** The environment without the caller's CHAT_* settings (a transport choice, say). */
export function withoutChatVariables(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith("CHAT_")),
  );
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

export const HAS_TMUX = spawnSync("tmux", ["-V"]).status === 0;

/** A private tmux server (own socket, no user config) for running the client in a terminal. */
export class Terminal {
  readonly #socket = `chat-alone-${process.pid}-${Date.now().toString(36)}`;

  /**
   * Starts `command` in `cwd` in a detached 100x20 session; it is stopped after 60 s. A shell
   * around it prints its exit status and keeps the pane a while, for the failure message.
   */
  start(
    session: string,
    cwd: string,
    command: readonly string[],
    env: Record<string, string>,
  ): void {
    const variables = Object.entries(env).flatMap(([name, value]) => ["-e", `${name}=${value}`]);
    mkdirSync(join(cwd, "home"), { recursive: true });
    this.#tmux(
      ["new-session", "-d", "-s", session, "-x", "100", "-y", "20", "-c", cwd]
        .concat(["-e", "LANG=C.UTF-8", "-e", `HOME=${join(cwd, "home")}`], variables)
        .concat([
          "sh",
          "-c",
          'timeout --foreground 60 "$@"; echo "[exited with status $?]"; sleep 20',
          "sh",
        ])
        .concat(command),
    );
  }

  /** Polls the screen until `predicate` holds; fails with the last screen after `timeoutMs`. */
  async waitFor(
    session: string,
    predicate: (screen: string) => boolean,
    timeoutMs = 15_000,
  ): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const screen = this.#tmux(["capture-pane", "-p", "-t", session]);
      if (predicate(screen)) return screen;
      if (Date.now() > deadline)
        throw new Error(`timed out on tmux session ${session}; screen:\n${screen}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  kill(): void {
    spawnSync("tmux", ["-L", this.#socket, "kill-server"], { stdio: "ignore" });
  }

  #tmux(args: readonly string[]): string {
    return execFileSync("tmux", ["-u", "-L", this.#socket, "-f", "/dev/null", ...args], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
  }
}

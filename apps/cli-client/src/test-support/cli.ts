import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

/** The built client; tests that run it need `pnpm turbo run build --filter=cli-client...`. */
export const CLIENT_MAIN: string = fileURLToPath(new URL("../../dist/main.js", import.meta.url));

export function assertBuilt(): void {
  if (!existsSync(CLIENT_MAIN)) {
    throw new Error(`${CLIENT_MAIN} is missing: run pnpm turbo run build --filter=cli-client...`);
  }
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the client to completion (killed after `timeoutMs`). */
export function runCli(args: string[], timeoutMs = 15_000): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLIENT_MAIN, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A long-running client (--listen) whose stdout lines can be awaited. */
export class CliProcess {
  readonly child: ChildProcess;
  readonly lines: string[] = [];
  stderr = "";
  readonly exited: Promise<number | null>;
  readonly #watchers = new Set<() => void>();

  constructor(args: string[]) {
    this.child = spawn(process.execPath, [CLIENT_MAIN, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    createInterface({ input: this.child.stdout! }).on("line", (line) => {
      this.lines.push(line);
      for (const watch of [...this.#watchers]) watch();
    });
    this.child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
      this.stderr += chunk;
    });
    this.exited = new Promise((resolve) => this.child.on("close", (code) => resolve(code)));
  }

  /** The first stdout line that matches, waiting up to `timeoutMs`. */
  waitForLine(predicate: (line: string) => boolean, timeoutMs = 10_000): Promise<string> {
    const found = this.lines.find(predicate);
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#watchers.delete(watch);
        reject(
          new Error(
            `no matching line in ${timeoutMs} ms; got:\n${this.lines.join("\n")}\n${this.stderr}`,
          ),
        );
      }, timeoutMs);
      const watch = () => {
        const line = this.lines.find(predicate);
        if (line === undefined) return;
        clearTimeout(timer);
        this.#watchers.delete(watch);
        resolve(line);
      };
      this.#watchers.add(watch);
    });
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill("SIGKILL");
  }
}

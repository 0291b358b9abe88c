import { execFile } from "node:child_process";
import { createSocket } from "node:dgram";
import { fileURLToPath } from "node:url";
import { HOSTILE_CHARACTERS, startHostileServer } from "@chat/client/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DaemonHandle, startDaemon } from "./testing/index.js";
import { VERSION } from "./version.js";

const HEALTHCHECK = fileURLToPath(new URL("../dist/healthcheck.js", import.meta.url));
const SERVER_DIR = fileURLToPath(new URL("..", import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function run(command: string, args: string[], cwd?: string): Promise<Run> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(command, args, { cwd, timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : null) : 0;
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}
const healthcheck = (...args: string[]) => run(process.execPath, [HEALTHCHECK, ...args]);

describe("healthcheck command", () => {
  let daemon: DaemonHandle;
  beforeAll(async () => {
    daemon = await startDaemon();
  });
  afterAll(async () => {
    await daemon?.stop();
  });

  it("exits 0 when the server answers INFO, saying what it answered", async () => {
    const result = await healthcheck("--target", `127.0.0.1:${daemon.port}`);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      new RegExp(
        `^healthy: \\d{4}-\\d\\d-\\d\\dT[\\d:]+Z chat-server/${VERSION} \\(rtt [\\d.]+ ms\\)\\n$`,
      ),
    );
  });

  it("runs as documented: pnpm --filter server healthcheck -- --target host:port", async () => {
    const args = [
      "--filter",
      "server",
      "healthcheck",
      "--",
      "--target",
      `127.0.0.1:${daemon.port}`,
    ];
    const result = await run("pnpm", args, SERVER_DIR);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("healthy: ");
  });

  it("exits 1 within its timeout when nothing answers", async () => {
    const silent = createSocket("udp4"); // bound, so no ICMP error: it just never answers
    await new Promise<void>((resolve) => silent.bind(0, "127.0.0.1", resolve));
    try {
      const result = await healthcheck(
        "--target",
        `127.0.0.1:${silent.address().port}`,
        "--timeout",
        "0.5",
      );
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        /^unhealthy: no INFO answer from 127\.0\.0\.1:\d+ within 0\.5 s\n$/,
      );
      expect(result.ms).toBeLessThan(10_000);
    } finally {
      silent.close();
    }
  });

  it("registers nobody: the user list stays empty", async () => {
    await healthcheck("--target", `127.0.0.1:${daemon.port}`);
    expect(daemon.logs().some((line) => line.msg === "user joined")).toBe(false);
  });

  it("refuses a timeout no timer can hold with exit 2, instead of a false unhealthy after 1 ms", async () => {
    const result = await healthcheck(
      "--target",
      `127.0.0.1:${daemon.port}`,
      "--timeout",
      "9999999999",
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "healthcheck: --timeout 9999999999: longer than a timer can wait (at most 2147483 seconds)\n" +
        "usage: healthcheck --target <host:port> [--ready <http://host:port/readyz>] [--timeout <seconds>]\n",
    );
  });

  it.each([
    [[]],
    [["--target", "localhost"]],
    [["--target", "h:1", "--timeout", "soon"]],
    [["--port", "1"]],
  ])("exits 2 with usage for %j", async (args) => {
    const result = await healthcheck(...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("usage: healthcheck --target <host:port>");
  });
});

describe("healthcheck against a hostile server", () => {
  it("prints the server's INFO text escaped: no escape sequence, bidi override or blank raw", async () => {
    const hostile = await startHostileServer();
    try {
      const result = await healthcheck("--target", `127.0.0.1:${hostile.port}`);
      expect(result.code).toBe(0);
      expect(result.stdout).not.toMatch(HOSTILE_CHARACTERS);
      expect(result.stdout).toMatch(
        /^healthy: \\x1b\]0;pwned\\x07\\x1b\[2J.*\\x9b1m<U\+202E>evil<U\+2800><U\+3164> \(rtt/,
      );
      expect(result.stderr).toBe("");
    } finally {
      await hostile.close();
    }
  });
});

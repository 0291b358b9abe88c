import { createSocket } from "node:dgram";
import { type DaemonHandle, startDaemon } from "@chat/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "./main.js";

/** Runs the CLI in-process, capturing what it prints. */
async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { log: (line) => out.push(line), error: (line) => err.push(line) });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

/** A loopback port that nothing listens on: bound, then released. */
async function deadPort(): Promise<number> {
  const socket = createSocket("udp4");
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", () => resolve()));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

describe("the chat-conformance command", () => {
  let daemon: DaemonHandle | undefined;
  let target = "";
  beforeAll(async () => {
    daemon = await startDaemon();
    target = `${daemon.host}:${daemon.port}`;
  }, 15_000);
  afterAll(async () => {
    await daemon?.stop();
  });

  it("prints one line per check and the totals, and exits 0 when all pass", async () => {
    const { code, out } = await cli("--", "--target", target, "--only", "3.2,3.3");
    expect(out.split("\n")).toEqual([
      `CHAT UDP conformance of ${target}`,
      "ok   3.2 REGISTER twice from the same endpoint answers OK",
      "ok   3.3 REGISTER of another name from a registered endpoint gets `already registered as <name>`",
      "2 passed, 0 failed, 0 skipped",
    ]);
    expect(code).toBe(0);
  });

  it("says why a slow check is skipped at the target's timers", async () => {
    const { code, out } = await cli("--target", target, "--only", "3.10");
    expect(out).toContain(
      "skip 3.10 a user silent for user-timeout is removed, as if logged out, and then receives nothing — user-timeout 90s is over 10s (pass --slow to wait for it)",
    );
    expect(out).toContain("0 passed, 0 failed, 1 skipped");
    expect(code).toBe(0);
  });

  it("exits 1 with a FAIL line when the target's settings are not what it was told", async () => {
    // Told the limit is 100 bytes, it expects a 101-byte message to be refused; ours forwards it.
    const { code, out } = await cli("--target", target, "--max-message", "100", "--only", "2.24");
    expect(out).toMatch(
      /^FAIL 2\.24 .* — BROADCAST of 101 bytes: expected ERROR "message is invalid: <reason>", got BROADCAST_FWD/m,
    );
    expect(out).toContain("0 passed, 1 failed, 0 skipped");
    expect(code).toBe(1);
  });

  it("prints JSON results with --json", async () => {
    const { code, out } = await cli("--target", target, "--only", "4.8", "--json");
    const report = JSON.parse(out);
    expect(report).toMatchObject({
      passed: 1,
      failed: 0,
      skipped: 0,
      results: [{ id: "4.8", section: "Routing and errors", status: "passed" }],
    });
    expect(code).toBe(0);
  });

  it("exits 1 when no check matches --only", async () => {
    const { code, out } = await cli("--target", target, "--only", "no such check");
    expect(out).toContain('no check matches --only "no such check"');
    expect(code).toBe(1);
  });

  it("exits 1 at once, saying so, when nothing answers at the target", async () => {
    const port = await deadPort();
    const { code, err } = await cli("--target", `127.0.0.1:${port}`, "--timeout", "100");
    expect(err).toBe(
      `chat-conformance: nothing answers INFO_REQUEST at 127.0.0.1:${port} (3 tries, 100 ms each): is the server running there?`,
    );
    expect(code).toBe(1);
  });

  it("exits 2 with the usage on a bad flag, and 0 with it on --help", async () => {
    const bad = await cli("--target", target, "--user-timeout", "soon");
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--user-timeout: "soon" is not a number of seconds');
    expect(bad.err).toContain("Usage: chat-conformance --target HOST:PORT");
    const help = await cli("--help");
    expect(help.code).toBe(0);
    expect(help.out).toContain("--per-ip-limits");
    expect(help.out).toContain("--no-address-check");
    expect(help.out).toContain("--address-check-always");
  });
});

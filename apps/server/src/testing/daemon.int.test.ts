import { createSocket } from "node:dgram";
import { readFileSync } from "node:fs";
import { decode, encode, Opcode } from "@chat/protocol";
import { afterAll, describe, expect, it } from "vitest";
import { type DaemonHandle, restartablePort, runServer, startDaemon } from "./daemon.js";

const started: DaemonHandle[] = [];
afterAll(async () => {
  await Promise.all(started.map((daemon) => daemon.stop("SIGKILL")));
});

async function start(...args: Parameters<typeof startDaemon>): Promise<DaemonHandle> {
  const daemon = await startDaemon(...args);
  started.push(daemon);
  return daemon;
}

/** One INFO_REQUEST over real UDP; the decoded reply, or undefined after 2 s. */
async function askInfo(host: string, port: number): Promise<unknown> {
  const socket = createSocket("udp4");
  try {
    const reply = new Promise<Buffer | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), 2000);
      socket.once("message", (bytes) => {
        clearTimeout(timer);
        resolve(bytes);
      });
    });
    socket.send(encode({ opcode: Opcode.INFO_REQUEST }), port, host);
    const bytes = await reply;
    return bytes && decode(bytes, { direction: "toClient" });
  } finally {
    socket.close();
  }
}

// Each test spawns the real server; a busy machine can take seconds to start one.
describe("startDaemon", { timeout: 30_000 }, () => {
  it("starts the real server on 127.0.0.1 with a free port and serves UDP", async () => {
    const daemon = await start();
    expect(daemon.host).toBe("127.0.0.1");
    expect(daemon.port).toBeGreaterThan(0);
    const listening = daemon.logs().find((line) => line.msg === "listening");
    expect(listening).toMatchObject({ address: "127.0.0.1", port: daemon.port });
    expect(await askInfo(daemon.host, daemon.port)).toMatchObject({
      opcode: Opcode.INFO_RESPONSE,
      text: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ chat-server\/\d+\.\d+\.\d+/),
    });
  });

  // The ephemeral range is read from Linux's /proc; elsewhere the helper assumes IANA's.
  it.skipIf(process.platform !== "linux")(
    "restarts a server on a port below the ephemeral range, which port 0 never hands out",
    async () => {
      const port = await restartablePort();
      const [ephemeralStart] = readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8")
        .split(/\s+/)
        .map(Number);
      expect(port).toBeGreaterThanOrEqual(10_000);
      expect(port).toBeLessThan(ephemeralStart!);
      const first = await start({ args: ["--port", String(port)] });
      expect(first.port).toBe(port);
      await first.stop("SIGKILL");
      const second = await start({ args: ["--port", String(port)] });
      expect(await askInfo(second.host, second.port)).toMatchObject({
        opcode: Opcode.INFO_RESPONSE,
      });
    },
  );

  it("stops the server with SIGTERM and returns its exit code", async () => {
    const daemon = await start();
    expect(await daemon.stop()).toBe(0);
    expect(daemon.logs().some((line) => line.msg === "stopped")).toBe(true);
    expect(await daemon.stop()).toBe(0);
  });

  it("passes extra args after the defaults, so they win", async () => {
    const daemon = await start({ args: ["--server-name", "kit-test"] });
    const listening = await daemon.waitForLog((line) => line.msg === "listening");
    expect(listening.settings).toMatchObject({ serverName: "kit-test" });
  });

  it("rejects with the server's stderr when it exits before listening", async () => {
    await expect(startDaemon({ args: ["--port", "seventy"] })).rejects.toThrow(
      /exited with code 2 before listening: chat-server: --port: "seventy"/,
    );
  });

  it("does not pass the caller's CHAT_* variables on, only the ones given", async () => {
    process.env.CHAT_MAX_USERS = "not a number";
    try {
      const daemon = await start({ env: { CHAT_MAX_USERS: "42" } });
      const listening = await daemon.waitForLog((line) => line.msg === "listening");
      expect(listening.settings).toMatchObject({ maxUsers: 42 });
    } finally {
      delete process.env.CHAT_MAX_USERS;
    }
  });

  it("waitForLog rejects when no line matches in time", async () => {
    const daemon = await start();
    await expect(daemon.waitForLog((line) => line.msg === "never logged", 100)).rejects.toThrow(
      /no matching server log line within 100 ms/,
    );
  });
});

describe("runServer", { timeout: 30_000 }, () => {
  it("returns the output and exit code of a run that ends by itself", async () => {
    const run = await runServer(["--version"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^chat-server \d+\.\d+\.\d+\n$/);
    expect(run.stderr).toBe("");
  });
});

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ChatSocket } from "@chat/client";
import { ErrorText, Opcode } from "@chat/protocol";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { isReply } from "./test-support/peers.js";
import { type DaemonHandle, type LogLine, startDaemon } from "./testing/index.js";

const dir = mkdtempSync(join(tmpdir(), "chat-reload-"));
const started: DaemonHandle[] = [];
const sockets: ChatSocket[] = [];
afterEach(async () => {
  await Promise.all(sockets.splice(0).map((socket) => socket.close()));
  await Promise.all(started.splice(0).map((daemon) => daemon.stop("SIGKILL")));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function start(args: string[]) {
  const daemon = await startDaemon({ args });
  started.push(daemon);
  return daemon;
}

/** The answer to a REGISTER of `name` sent from the loopback address `from`. */
async function register(daemon: DaemonHandle, from: string, name: string) {
  const socket = await ChatSocket.open({ host: daemon.host, port: daemon.port, bindAddress: from });
  sockets.push(socket);
  socket.send({ opcode: Opcode.REGISTER, name });
  return { socket, answer: await socket.next(isReply, 3000) };
}

/** Sends SIGHUP and waits for the reload's log line (its outcome, ok or not). */
async function reload(daemon: DaemonHandle): Promise<LogLine> {
  const before = daemon.logs().length;
  daemon.process.kill("SIGHUP");
  const isReport = (line: LogLine) => line.trigger === "SIGHUP" && typeof line.ok === "boolean";
  await daemon.waitForLog((line) => isReport(line) && daemon.logs().indexOf(line) >= before);
  return daemon.logs().slice(before).find(isReport) as LogLine;
}

describe("SIGHUP", () => {
  it("reloads without dying: same PID, still serving, and a log line", async () => {
    const daemon = await start([]);
    const line = await reload(daemon);
    expect(line).toMatchObject({ msg: "reloaded", ok: true, applied: [], needsRestart: [] });
    expect(daemon.process.exitCode).toBeNull();
    expect((await register(daemon, "127.0.0.1", "alice")).answer).toEqual({ opcode: Opcode.OK });
  });

  it("bans an address added to the deny file at once, and a malformed file keeps the old list", async () => {
    const denyFile = join(dir, "deny-1");
    writeFileSync(denyFile, "# nobody yet\n");
    const daemon = await start(["--deny-file", denyFile]);
    const pid = daemon.process.pid;
    const { socket } = await register(daemon, "127.0.0.2", "mallory");

    writeFileSync(denyFile, "127.0.0.2 # abuse, ticket 12\n");
    const line = await reload(daemon);
    expect(line).toMatchObject({ ok: true, bansAdded: ["127.0.0.2"], bansRemoved: [] });
    // The user it matched is told and removed; a new REGISTER from there is refused.
    expect(await socket.next((p) => p.opcode === Opcode.ERROR, 3000)).toEqual({
      opcode: Opcode.ERROR,
      text: ErrorText.BANNED,
    });
    expect((await register(daemon, "127.0.0.2", "mallory2")).answer).toEqual({
      opcode: Opcode.ERROR,
      text: ErrorText.BANNED,
    });
    expect((await register(daemon, "127.0.0.3", "carol")).answer).toEqual({ opcode: Opcode.OK });

    writeFileSync(denyFile, "127.0.0.2\nnot an address\n");
    const bad = await reload(daemon);
    expect(bad).toMatchObject({
      ok: false,
      msg: "reload failed in part: the settings in force stay",
    });
    expect(String(bad.errors)).toContain(`${denyFile} line 2`);
    expect((await register(daemon, "127.0.0.2", "mallory3")).answer).toMatchObject({
      text: ErrorText.BANNED,
    });
    expect(daemon.process.pid).toBe(pid);
    expect(daemon.process.exitCode).toBeNull();
  });

  it("applies a new log level from the settings file and names what needs a restart", async () => {
    const envFile = join(dir, "env-1");
    writeFileSync(envFile, "CHAT_LOG_LEVEL=info\nCHAT_MAX_USERS=100\n");
    const daemon = await start(["--env-file", envFile]);
    writeFileSync(envFile, "CHAT_LOG_LEVEL=debug\nCHAT_MAX_USERS=5\n");
    const line = await reload(daemon);
    expect(line).toMatchObject({
      ok: true,
      applied: ["--log-level"],
      needsRestart: ["--max-users"],
    });
    // debug is on now: a refusal (name taken) is logged at debug.
    await register(daemon, "127.0.0.1", "alice");
    await register(daemon, "127.0.0.4", "alice");
    await daemon.waitForLog((entry) => entry.msg === "request refused" && entry.level === 20);

    writeFileSync(envFile, "CHAT_LOG_LEVEL=loud\n");
    const bad = await reload(daemon);
    expect(bad).toMatchObject({ ok: false });
    expect(String(bad.errors)).toContain("CHAT_LOG_LEVEL");
    expect(daemon.process.exitCode).toBeNull();
  });

  it("a bad deny file at start is a one-line error and exit 2, nothing bound", async () => {
    const denyFile = join(dir, "deny-bad");
    writeFileSync(denyFile, "10.0.0.0/99\n");
    await expect(startDaemon({ args: ["--deny-file", denyFile] })).rejects.toThrow(
      /exited with code 2 before listening: chat-server: deny file: .*line 1/,
    );
  });
});

describe("SIGUSR1", () => {
  it("does not open the inspector and does not stop the server", async () => {
    const daemon = await start([]);
    daemon.process.kill("SIGUSR1");
    await daemon.waitForLog((line) => line.signal === "SIGUSR1");
    expect(daemon.stderr()).not.toContain("Debugger listening");
    expect((await register(daemon, "127.0.0.1", "bob")).answer).toEqual({ opcode: Opcode.OK });
  });
});

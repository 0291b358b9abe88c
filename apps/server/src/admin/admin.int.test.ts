import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ChatSocket } from "@chat/client";
import { ErrorText, Opcode, type ServerPacket } from "@chat/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isReply } from "../test-support/peers.js";
import { type DaemonHandle, startDaemon } from "../testing/index.js";

const ADMIN = fileURLToPath(new URL("../../dist/admin/command.js", import.meta.url));
const SERVER_DIR = fileURLToPath(new URL("../..", import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], cwd?: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : null) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe("admin socket and chat-admin", () => {
  const dir = mkdtempSync(join(tmpdir(), "chat-admin-"));
  const socketPath = join(dir, "admin.sock");
  const sockets: ChatSocket[] = [];
  let daemon: DaemonHandle;
  const admin = (...args: string[]) =>
    run(process.execPath, [ADMIN, "--socket", socketPath, ...args]);

  beforeAll(async () => {
    daemon = await startDaemon({ args: ["--admin-socket", socketPath] });
    // The socket opens after the "listening" line (once the daemon it serves exists).
    await daemon.waitForLog((line) => line.msg === "admin socket listening", 10_000);
  });
  afterAll(async () => {
    await Promise.all(sockets.map((socket) => socket.close()));
    await daemon?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function open(from: string): Promise<ChatSocket> {
    const socket = await ChatSocket.open({
      host: daemon.host,
      port: daemon.port,
      bindAddress: from,
    });
    sockets.push(socket);
    return socket;
  }

  async function register(from: string, name: string) {
    const socket = await open(from);
    socket.send({ opcode: Opcode.REGISTER, name });
    return { socket, answer: await socket.next(isReply, 3000) };
  }

  async function listSeenBy(socket: ChatSocket): Promise<readonly string[]> {
    socket.send({ opcode: Opcode.LIST_REQUEST });
    const isList = (p: ServerPacket) => p.opcode === Opcode.LIST_RESPONSE;
    const list = await socket.next(isList, 3000);
    return list?.opcode === Opcode.LIST_RESPONSE ? list.names : [];
  }

  it("is a unix socket only its owner can use (mode 0600)", () => {
    const stat = statSync(socketPath);
    expect(stat.isSocket()).toBe(true);
    expect(stat.mode & 0o777).toBe(0o600);
  });

  it("users: names with their addresses", async () => {
    await register("127.0.0.5", "alice");
    const result = await admin("users");
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(result.stdout).toMatch(/^alice\t127\.0\.0\.5\t\d+\n$/);
  });

  it("kick: the user gets removed by the operator and leaves every LIST", async () => {
    const { socket: kicked } = await register("127.0.0.6", "kickme");
    const { socket: watcher } = await register("127.0.0.7", "watcher");
    expect(await listSeenBy(watcher)).toContain("kickme");
    const result = await admin("kick", "KICKME");
    expect(result).toMatchObject({ code: 0, stdout: "kicked KICKME\n" });
    expect(await kicked.next((p) => p.opcode === Opcode.ERROR, 3000)).toEqual({
      opcode: Opcode.ERROR,
      text: ErrorText.REMOVED_BY_OPERATOR,
    });
    expect(await listSeenBy(watcher)).not.toContain("kickme");
    await daemon.waitForLog((line) => line.msg === "admin command" && line.verb === "kick");
  });

  it("kick of a name nobody holds exits 1 and says so", async () => {
    const result = await admin("kick", "nobody");
    expect(result).toMatchObject({
      code: 1,
      stderr: 'chat-admin: no user "nobody" on this node\n',
    });
  });

  it("ban an address: its REGISTER gets banned; unban restores it", async () => {
    expect(await admin("ban", "127.0.0.8")).toMatchObject({
      code: 0,
      stdout: "banned 127.0.0.8\n",
    });
    expect((await register("127.0.0.8", "eve")).answer).toEqual({
      opcode: Opcode.ERROR,
      text: ErrorText.BANNED,
    });
    expect((await admin("bans")).stdout).toContain("127.0.0.8\tadmin\n");
    expect(await admin("unban", "127.0.0.8")).toMatchObject({ code: 0 });
    expect((await register("127.0.0.8", "eve")).answer).toEqual({ opcode: Opcode.OK });
  });

  it("ban a name: refused in any case and look-alike form, from any address", async () => {
    expect((await admin("ban", "name:Mallory")).code).toBe(0);
    for (const name of ["mallory", "MALLORY", "m\u0430llory"]) {
      expect((await register("127.0.0.9", name)).answer, name).toEqual({
        opcode: Opcode.ERROR,
        text: ErrorText.BANNED,
      });
    }
    expect((await admin("unban", "name:MALLORY")).code).toBe(0);
    expect((await register("127.0.0.9", "mallory")).answer).toEqual({ opcode: Opcode.OK });
  });

  it("ban --for lifts itself when the time is up", async () => {
    const result = await admin("ban", "127.0.0.10", "--for", "1s");
    expect(result.stdout).toMatch(/^banned 127\.0\.0\.10 until \d{4}-/);
    await daemon.waitForLog(
      (line) => line.msg === "ban expired" && line.entry === "127.0.0.10",
      5000,
    );
    expect((await register("127.0.0.10", "frank")).answer).toEqual({ opcode: Opcode.OK });
  });

  it("reload answers what it did", async () => {
    const result = await admin("reload", "--json");
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: true, applied: [], needsRestart: [] });
  });

  it("runs as documented: pnpm --filter server admin -- --socket PATH users", async () => {
    const args = ["--filter", "server", "admin", "--", "--socket", socketPath, "users"];
    const result = await run("pnpm", args, SERVER_DIR);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("alice\t127.0.0.5\t");
  });

  it.each([
    [[], "a verb is required"],
    [["frob"], "unknown verb frob"],
    [["kick"], "kick needs a target"],
    [["users", "x"], "users takes no target"],
    [["ban", "1.2.3.4", "--for", "soon"], "is not a duration"],
  ])("exits 2 with usage for %j", async (args, why) => {
    const result = await admin(...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(why);
    expect(result.stderr).toContain("usage: chat-admin");
  });

  it("a bad ban entry is refused by the server, exit 1", async () => {
    const result = await admin("ban", "10.0.0.0/99");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("is not an address, a CIDR network or name:<name>");
  });

  it("exits 1 naming the problem when no server listens there", async () => {
    const result = await run(process.execPath, [
      ADMIN,
      "--socket",
      join(dir, "none.sock"),
      "users",
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("ENOENT");
  });
});

describe("the admin socket", () => {
  it("is off unless asked for", async () => {
    const daemon = await startDaemon();
    try {
      expect(daemon.logs().some((line) => line.msg === "admin socket listening")).toBe(false);
    } finally {
      await daemon.stop();
    }
  });
});

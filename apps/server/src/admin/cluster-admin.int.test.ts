import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ChatSocket } from "@chat/client";
import { startRedis, type TestRedis } from "@chat/cluster-redis/testing";
import { ErrorText, Opcode, type ServerPacket } from "@chat/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isReply } from "../test-support/peers.js";
import { eventually } from "../test-support/scrape.js";
import { type DaemonHandle, startDaemon } from "../testing/index.js";

const ADMIN = fileURLToPath(new URL("../../dist/admin/command.js", import.meta.url));

function admin(
  socket: string,
  ...args: string[]
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [ADMIN, "--socket", socket, ...args],
      { timeout: 30_000 },
      (error, stdout, stderr) => {
        resolve({
          code: error ? (typeof error.code === "number" ? error.code : null) : 0,
          stdout,
          stderr,
        });
      },
    );
  });
}

describe("moderation across a cluster (two real nodes, one real Redis)", () => {
  const dir = mkdtempSync(join(tmpdir(), "chat-cluster-admin-"));
  const sockets: ChatSocket[] = [];
  let redis: TestRedis;
  let a: DaemonHandle;
  let b: DaemonHandle;
  const adminA = join(dir, "a.sock");
  const adminB = join(dir, "b.sock");

  beforeAll(async () => {
    redis = await startRedis();
    const node = (socket: string, name: string) =>
      startDaemon({
        args: ["--cluster", redis.url, "--admin-socket", socket, "--node-name", name],
        startupTimeoutMs: 30_000,
      });
    [a, b] = await Promise.all([node(adminA, "node-a"), node(adminB, "node-b")]);
    await Promise.all(
      [a, b].map((n) => n.waitForLog((line) => line.msg === "cluster joined", 20_000)),
    );
    // Each admin socket opens after its node's "listening" line.
    await Promise.all(
      [a, b].map((n) => n.waitForLog((line) => line.msg === "admin socket listening", 20_000)),
    );
  }, 60_000);
  afterAll(async () => {
    await Promise.all(sockets.map((socket) => socket.close()));
    await Promise.all([a?.stop(), b?.stop()]);
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function open(node: DaemonHandle, from: string): Promise<ChatSocket> {
    const socket = await ChatSocket.open({ host: node.host, port: node.port, bindAddress: from });
    sockets.push(socket);
    return socket;
  }

  async function register(node: DaemonHandle, from: string, name: string) {
    const socket = await open(node, from);
    socket.send({ opcode: Opcode.REGISTER, name });
    return { socket, answer: await socket.next(isReply, 3000) };
  }

  /** Registers until the answer is not `cluster unavailable` (a node may still be joining). */
  async function answerTo(node: DaemonHandle, from: string, name: string) {
    return eventually(async () => {
      const { answer } = await register(node, from, name);
      return answer?.opcode === Opcode.ERROR && answer.text === ErrorText.CLUSTER_UNAVAILABLE
        ? undefined
        : answer;
    }, 10_000);
  }

  async function listOf(socket: ChatSocket): Promise<readonly string[]> {
    socket.send({ opcode: Opcode.LIST_REQUEST });
    const list = await socket.next((p: ServerPacket) => p.opcode === Opcode.LIST_RESPONSE, 3000);
    return list?.opcode === Opcode.LIST_RESPONSE ? list.names : [];
  }

  it("kick through one node removes a user of the other, from every list", async () => {
    const { socket: victim, answer } = await register(b, "127.0.0.21", "victim");
    expect(answer).toEqual({ opcode: Opcode.OK });
    const { socket: watcher } = await register(a, "127.0.0.22", "watcher");
    await eventually(
      async () => ((await listOf(watcher)).includes("victim") ? true : undefined),
      5000,
    );
    const result = await admin(adminA, "kick", "victim");
    expect(result).toMatchObject({ code: 0, stdout: "asked 2 nodes to kick victim\n" });
    expect(await victim.next((p) => p.opcode === Opcode.ERROR, 3000)).toEqual({
      opcode: Opcode.ERROR,
      text: ErrorText.REMOVED_BY_OPERATOR,
    });
    await eventually(
      async () => ((await listOf(watcher)).includes("victim") ? undefined : true),
      5000,
    );
  });

  it("a ban through one node holds on the other, and unban through the other lifts it on both", async () => {
    expect((await admin(adminA, "ban", "127.0.0.23")).code).toBe(0);
    expect((await admin(adminA, "ban", "name:Mallory")).code).toBe(0);
    const banned = { opcode: Opcode.ERROR, text: ErrorText.BANNED };
    await eventually(async () => {
      const answer = await answerTo(b, "127.0.0.23", "eve");
      return answer?.opcode === Opcode.ERROR && answer.text === ErrorText.BANNED ? true : undefined;
    }, 5000);
    expect(await answerTo(b, "127.0.0.24", "MALLORY")).toEqual(banned);
    expect(await answerTo(a, "127.0.0.24", "m\u0430llory")).toEqual(banned);
    const bans = await admin(adminB, "bans");
    expect(bans.stdout).toContain("127.0.0.23\tadmin");
    expect(bans.stdout).toContain("name:Mallory\tadmin");

    expect((await admin(adminB, "unban", "127.0.0.23")).code).toBe(0);
    for (const node of [a, b]) {
      await eventually(async () => {
        const answer = await answerTo(node, "127.0.0.23", node === a ? "eve-a" : "eve-b");
        return answer?.opcode === Opcode.OK ? true : undefined;
      }, 5000);
    }
  });
});

import { createSocket } from "node:dgram";
import { ErrorText, Opcode, type ServerPacket } from "@chat/protocol";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { isReply, isShutdownNotice, Peers } from "./test-support/peers.js";
import { type DaemonHandle, startDaemon } from "./testing/index.js";

const started: DaemonHandle[] = [];
const peerSets: Peers[] = [];
afterEach(async () => {
  await Promise.all(peerSets.splice(0).map((peers) => peers.closeAll()));
});
afterAll(async () => {
  await Promise.all(started.map((daemon) => daemon.stop("SIGKILL")));
});

async function serve(args: string[] = []): Promise<{ daemon: DaemonHandle; peers: Peers }> {
  const daemon = await startDaemon({ args });
  started.push(daemon);
  const peers = new Peers(daemon.host, daemon.port);
  peerSets.push(peers);
  return { daemon, peers };
}

const forwardOf = (opcode: number) => (packet: ServerPacket) => packet.opcode === opcode;

describe("serving over UDP", () => {
  it("registers users, forwards a broadcast to all and a private message to one", async () => {
    const { daemon, peers } = await serve();
    const alice = await peers.registered("alice");
    const bob = await peers.registered("bob");

    alice.send({ opcode: Opcode.BROADCAST, message: "hello all" });
    const expected = { opcode: Opcode.BROADCAST_FWD, sender: "alice", message: "hello all" };
    expect(await alice.next(forwardOf(Opcode.BROADCAST_FWD), 2000)).toEqual(expected);
    expect(await bob.next(forwardOf(Opcode.BROADCAST_FWD), 2000)).toEqual(expected);

    bob.send({ opcode: Opcode.PRIVATE, receiver: "alice", message: "psst" });
    expect(await alice.next(forwardOf(Opcode.PRIVATE_FWD), 2000)).toEqual({
      opcode: Opcode.PRIVATE_FWD,
      sender: "bob",
      message: "psst",
    });
    expect(await bob.next(isReply, 2000)).toEqual({ opcode: Opcode.OK });

    bob.send({ opcode: Opcode.LOGOUT });
    expect(await bob.next(isReply, 2000)).toEqual({ opcode: Opcode.OK });
    const left = await daemon.waitForLog((line) => line.msg === "user left");
    expect(left).toMatchObject({
      level: 30,
      name: "bob",
      address: "127.0.0.1",
      port: bob.localPort,
    });
    expect(daemon.logs().filter((line) => line.msg === "user joined")).toHaveLength(2);
    // Nothing is logged per message at info.
    expect(daemon.logs().filter((line) => String(line.msg).includes("broadcast"))).toEqual([]);
  });

  it("pushes the user list and expires silent users on its own timers", async () => {
    const { daemon, peers } = await serve(["--list-interval", "0.3", "--user-timeout", "1"]);
    const carol = await peers.registered("carol");
    expect(await carol.next(forwardOf(Opcode.LIST_RESPONSE), 3000)).toEqual({
      opcode: Opcode.LIST_RESPONSE,
      names: ["carol"],
    });
    const expired = await daemon.waitForLog((line) => line.msg === "user timed out", 4000);
    expect(expired).toMatchObject({ name: "carol", port: carol.localPort });
    carol.send({ opcode: Opcode.LIST_REQUEST });
    expect(await carol.next(isReply, 2000)).toEqual({
      opcode: Opcode.ERROR,
      text: ErrorText.NOT_REGISTERED,
    });
  });

  it("pushes the first list --list-interval after the first user joins, not at the idle tick", async () => {
    // With no user the daemon has no timer due and sleeps up to a second; a join brings the
    // first push forward to --list-interval, so it comes well before that second is up.
    const { peers } = await serve(["--list-interval", "0.1", "--user-timeout", "0"]);
    const erin = await peers.registered("erin");
    const joinedAt = performance.now();
    expect(await erin.next(forwardOf(Opcode.LIST_RESPONSE), 3000)).toEqual({
      opcode: Opcode.LIST_RESPONSE,
      names: ["erin"],
    });
    expect(performance.now() - joinedAt).toBeLessThan(700);
  });

  it("logs a stats line every --stats-interval with users, packets and drops", async () => {
    const { daemon, peers } = await serve(["--stats-interval", "0.2"]);
    await peers.registered("dave");
    const stats = await daemon.waitForLog((line) => line.msg === "stats" && line.users === 1);
    expect(stats).toMatchObject({ level: 30, users: 1, joined: 1, packetsOut: 1 });
    expect(stats.packetsIn).toBeGreaterThanOrEqual(1);
    expect(stats.drops).toMatchObject({ malformed: 0, "rate-limited": 0 });
    expect(stats.errors).toEqual({});
    // A full send buffer would show here by code (EAGAIN, ENOBUFS); nothing filled it.
    expect(stats.sendWaits).toEqual({});
  });

  it('sends "server shutting down" to every user on SIGTERM, then exits 0', async () => {
    const { daemon, peers } = await serve();
    const users = await Promise.all(
      ["erin", "frank", "grace"].map((name) => peers.registered(name)),
    );
    const notices = users.map((user) => user.next(isShutdownNotice, 5000));
    expect(await daemon.stop("SIGTERM")).toBe(0);
    for (const notice of await Promise.all(notices)) {
      expect(notice).toEqual({ opcode: Opcode.ERROR, text: ErrorText.SHUTTING_DOWN });
    }
    expect(daemon.logs().at(-1)).toMatchObject({ msg: "stopped", notified: 3 });
  });

  it("stops on SIGINT the same way", async () => {
    const { daemon, peers } = await serve();
    const heidi = await peers.registered("heidi");
    const notice = heidi.next(isShutdownNotice, 5000);
    expect(await daemon.stop("SIGINT")).toBe(0);
    expect(await notice).toEqual({ opcode: Opcode.ERROR, text: ErrorText.SHUTTING_DOWN });
  });
});

describe("serving over IPv6", async () => {
  const ipv6 = await loopbackIpv6Available();
  // Some containers and CI runners have no IPv6 loopback; there is nothing to test there.
  it.skipIf(!ipv6)("listens on ::1 with --host ::1 and serves a registered user", async () => {
    const { daemon, peers } = await serve(["--host", "::1"]);
    expect(daemon.host).toBe("::1");
    const ivan = await peers.registered("ivan");
    ivan.send({ opcode: Opcode.BROADCAST, message: "over v6" });
    expect(await ivan.next(forwardOf(Opcode.BROADCAST_FWD), 2000)).toMatchObject({
      sender: "ivan",
      message: "over v6",
    });
  });

  it.skipIf(!ipv6)("listens on both families with --host ::", async () => {
    const { daemon } = await serve(["--host", "::"]);
    expect(daemon.host).toBe("::");
    for (const host of ["::1", "127.0.0.1"]) {
      const peers = new Peers(host, daemon.port);
      peerSets.push(peers);
      const socket = await peers.open();
      socket.send({ opcode: Opcode.INFO_REQUEST });
      expect(await socket.next(2000)).toMatchObject({ opcode: Opcode.INFO_RESPONSE });
    }
  });
});

async function loopbackIpv6Available(): Promise<boolean> {
  const socket = createSocket("udp6");
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once("error", reject);
      socket.bind(0, "::1", () => resolve());
    });
    return true;
  } catch {
    return false;
  } finally {
    try {
      socket.close();
    } catch {
      // already closed by the failed bind
    }
  }
}

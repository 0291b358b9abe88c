import { type ChatClient, type ClientOptions, connect } from "@chat/client";
import { nextEvent, record, recordSent, until } from "@chat/client/testing";
import { ErrorText, Opcode } from "@chat/protocol";
import {
  type DaemonHandle,
  type LogLine,
  restartablePort,
  startDaemon,
  startLossyProxy,
} from "@chat/testkit";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

/*
 * Protocol revision 2: a client is never a zombie. Its keep-alive is a REGISTER of its
 * name, so a server that forgot it (expired during an outage, or restarted) has it back
 * within one keep-alive of hearing from it again. Real daemon, real UDP on 127.0.0.1.
 */

const KEEP_ALIVE_MS = 2_000;
/** Within one keep-alive of the network coming back, plus slack for a loaded machine. */
const BACK_WITHIN_MS = KEEP_ALIVE_MS + 1_500;

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function keep<T extends { close: () => unknown }>(thing: T): T {
  cleanups.push(() => thing.close());
  return thing;
}

const client = (server: { host: string; port: number }, extra: Partial<ClientOptions> = {}) => ({
  host: server.host,
  port: server.port,
  requestTimeoutMs: 200,
  keepAliveMs: KEEP_ALIVE_MS,
  ...extra,
});

/** A log line about `name`, later than `after` (a previous line) if given. */
const logOf =
  (msg: string, name: string, after?: LogLine) =>
  (line: LogLine): boolean =>
    line.msg === msg &&
    line.name === name &&
    (after === undefined || Number(line.time) > Number(after.time));

/** The observer sends a broadcast; the client must hear it. */
async function hears(target: ChatClient, observer: ChatClient, message: string): Promise<void> {
  const heard = nextEvent(target, "broadcast", (event) => event.message === message, 3_000);
  expect(await observer.broadcast(message)).toEqual({ status: "delivered" });
  expect((await heard).from).toBe(observer.name);
}

describe("a client whose server forgot it, against --user-timeout 3", () => {
  let daemon: DaemonHandle;
  beforeAll(async () => {
    daemon = await startDaemon({ args: ["--user-timeout", "3", "--list-interval", "0"] });
  });
  afterAll(async () => {
    await daemon.stop();
  });

  /** A client behind a relay, registered, just after a keep-alive was answered. */
  async function behindRelay(name: string) {
    const relay = keep(await startLossyProxy({ target: daemon }));
    const behind = keep(await connect({ ...client(relay), name, deadAfterMissed: 3 }));
    await nextEvent(behind, "rtt", () => true, KEEP_ALIVE_MS + 2_000);
    return { relay, behind };
  }

  it("is registered and receiving again within one keep-alive of an outage that outlasted the timeout", async () => {
    const observer = keep(await connect({ ...client(daemon), name: "watcher", keepAliveMs: 1000 }));
    const { relay, behind } = await behindRelay("outage");
    const states = record(behind, "connection");
    const warnings = record(behind, "keepAliveTooLong");
    relay.setLoss({ drop: 1 });
    await daemon.waitForLog(logOf("user timed out", "outage"), 10_000);
    expect(await observer.list()).not.toContain("outage");
    relay.setLoss({ drop: 0 });
    const restoredAt = performance.now();

    const back = await nextEvent(behind, "connection", (e) => e.state === "reregistered", 8_000);
    const backAfter = performance.now() - restoredAt;
    console.log(
      `outage: registered again ${(backAfter / 1000).toFixed(2)} s after the relay passed` +
        ` traffic again (keep-alive ${KEEP_ALIVE_MS / 1000} s, user timeout 3 s): ${back.reason}`,
    );
    expect(backAfter).toBeLessThan(BACK_WITHIN_MS);
    // Fewer keep-alives lost than deadAfterMissed: never "lost", and it knows why it is back.
    expect(back.reason).toMatch(/^the server had forgotten us after [12] unanswered keep-alives?$/);
    expect(states.map((event) => event.state)).toEqual(["reregistering", "reregistered"]);
    expect(warnings).toEqual([]);
    expect(await observer.list()).toContain("outage");
    await hears(behind, observer, "welcome back");
  }, 30_000);

  it("gives the name up and says so when someone took it meanwhile", async () => {
    const { relay, behind } = await behindRelay("taken");
    relay.setLoss({ drop: 1 });
    await daemon.waitForLog(logOf("user timed out", "taken"), 10_000);
    const thief = keep(await connect({ ...client(daemon), name: "taken", keepAliveMs: 1000 }));
    relay.setLoss({ drop: 0 });

    const refused = await nextEvent(behind, "connection", (e) => e.state === "refused", 8_000);
    expect(refused.reason).toBe(ErrorText.USERNAME_TAKEN);
    expect(behind.registered).toBe(false);
    // It can carry on under another name.
    await behind.register("taken2");
    expect(await thief.list()).toEqual(["taken", "taken2"]);
  }, 30_000);
});

describe("a client whose server restarted on the same port", () => {
  let daemon: DaemonHandle | undefined;
  afterAll(async () => {
    await daemon?.stop();
  });

  it("is registered and receiving again within one keep-alive of the new server", async () => {
    const first = await startDaemon({
      args: [
        "--port",
        String(await restartablePort()),
        "--user-timeout",
        "3",
        "--list-interval",
        "0",
      ],
    });
    daemon = first;
    const phoenix = keep(await connect({ ...client(first), name: "reborn", deadAfterMissed: 3 }));
    const states = record(phoenix, "connection");
    await first.stop("SIGKILL"); // no notice: the client must find out by itself
    const sent = recordSent(phoenix);
    // A keep-alive goes out while no server listens...
    await until(() => sent.some((packet) => packet.opcode === Opcode.REGISTER), 5_000);
    daemon = await startDaemon({
      args: ["--port", String(first.port), "--user-timeout", "3", "--list-interval", "0"],
    });
    const startedAt = performance.now();
    // ... and the next one, to the new server, registers it again.
    const back = await nextEvent(phoenix, "connection", (e) => e.state === "reregistered", 8_000);
    const backAfter = performance.now() - startedAt;
    console.log(
      `restart: registered again ${(backAfter / 1000).toFixed(2)} s after the new server` +
        ` listened (keep-alive ${KEEP_ALIVE_MS / 1000} s): ${back.reason}`,
    );
    expect(backAfter).toBeLessThan(BACK_WITHIN_MS);
    expect(back.reason).toMatch(/^the server had forgotten us after [12] unanswered keep-alives?$/);
    expect(states.map((event) => event.state)).toEqual(["reregistering", "reregistered"]);
    const observer = keep(await connect({ ...client(daemon), name: "witness" }));
    expect(await observer.list()).toEqual(["reborn", "witness"]);
    await hears(phoenix, observer, "you are back");
  }, 30_000);
});

describe("a client whose keep-alive is longer than the server's user timeout", () => {
  let daemon: DaemonHandle;
  beforeAll(async () => {
    daemon = await startDaemon({ args: ["--user-timeout", "1", "--list-interval", "0"] });
  });
  afterAll(async () => {
    await daemon.stop();
  });

  it("is registered again by its next keep-alive without a word", async () => {
    const sleeper = keep(await connect({ ...client(daemon), name: "dozer" }));
    const states = record(sleeper, "connection");
    const gone = await daemon.waitForLog(logOf("user timed out", "dozer"), 5_000);
    await daemon.waitForLog(logOf("user joined", "dozer", gone), KEEP_ALIVE_MS + 2_000);
    const observer = keep(await connect({ ...client(daemon), name: "peeker" }));
    expect(await observer.list()).toContain("dozer");
    // Its OK looks like any other: the client cannot tell, so it says nothing.
    expect(states).toEqual([]);
  }, 20_000);

  it("warns once, with how soon it was forgotten, when a message finds it unregistered", async () => {
    const sleeper = keep(await connect({ ...client(daemon), name: "napper" }));
    const warnings = record(sleeper, "keepAliveTooLong");
    let gone: LogLine | undefined;
    for (const round of [1, 2]) {
      gone = await daemon.waitForLog(logOf("user timed out", "napper", gone), 5_000);
      const back = nextEvent(sleeper, "connection", (e) => e.state === "reregistered", 5_000);
      expect(await sleeper.broadcast(`anyone there? ${round}`)).toEqual({
        status: "failed",
        error: ErrorText.NOT_REGISTERED,
      });
      expect((await back).reason).toBe(
        `the server had forgotten us (it answered "${ErrorText.NOT_REGISTERED}")`,
      );
    }
    expect(warnings).toHaveLength(1);
    const [warning] = warnings;
    expect(warning?.keepAliveMs).toBe(KEEP_ALIVE_MS);
    // Forgotten after the server's 1 s (less its clock's slack), before our next keep-alive.
    expect(warning?.forgottenAfterMs).toBeGreaterThan(900);
    expect(warning?.forgottenAfterMs).toBeLessThan(KEEP_ALIVE_MS + 500);
  }, 20_000);
});

describe("a client whose server is full when it comes back", () => {
  let daemon: DaemonHandle;
  beforeAll(async () => {
    const args = ["--user-timeout", "3", "--max-users", "1", "--list-interval", "0"];
    daemon = await startDaemon({ args });
  });
  afterAll(async () => {
    await daemon.stop();
  });

  it("keeps its name and tries again until there is room", async () => {
    const relay = keep(await startLossyProxy({ target: daemon }));
    const behind = keep(await connect({ ...client(relay), name: "patient" }));
    await nextEvent(behind, "rtt", () => true, KEEP_ALIVE_MS + 2_000);
    const states = record(behind, "connection");
    relay.setLoss({ drop: 1 });
    await daemon.waitForLog(logOf("user timed out", "patient"), 10_000);
    const squatter = await connect({ ...client(daemon), name: "squatter", keepAliveMs: 1000 });
    relay.setLoss({ drop: 0 });

    // "server is full" passes: the client keeps the name and tries again...
    const again = (e: { state: string; reason?: string }) => e.reason === "attempt 2";
    await nextEvent(behind, "connection", again, KEEP_ALIVE_MS + 3_000);
    expect(behind.name).toBe("patient");
    await squatter.close();
    // ... and has it back once there is room.
    await nextEvent(behind, "connection", (e) => e.state === "reregistered", 5_000);
    expect(await behind.list()).toEqual(["patient"]);
    expect(states.some((event) => event.state === "refused")).toBe(false);
  }, 30_000);
});

import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { type ChatClient, connect } from "@chat/client";
import { afterAll, describe, expect, it } from "vitest";
import { type DaemonHandle, restartablePort } from "../testing/index.js";
import { startAttackDaemon } from "./support/daemon.js";

/*
 * Peers that vanish without a word (a client process SIGKILLed) and a server restarted on
 * the same port under live clients: the vanished user leaves everyone's list after
 * userTimeout, the live clients come back by themselves (the SDK registers again), and no
 * ghost is left behind.
 */

const USER_TIMEOUT_S = 2;
const LIST_INTERVAL_S = 0.25;
const KEEP_ALIVE_MS = 250;
const APP_DIR = fileURLToPath(new URL("../..", import.meta.url));

// A client in its own process: registers, keeps itself alive, says so, then waits to die.
const CLIENT_PROCESS = `
import { connect } from "@chat/client";
const client = await connect({ host: process.env.HOST, port: Number(process.env.PORT), name: process.env.NAME, keepAliveMs: ${KEEP_ALIVE_MS} });
// When a keep-alive the server answered was sent (epoch ms): the server heard us then or later.
client.on("rtt", ({ ms }) => process.stdout.write("heard " + (Date.now() - ms) + "\\n"));
process.stdout.write("registered\\n");
setInterval(() => {}, 1000);
`;

const daemons: DaemonHandle[] = [];
const clients: ChatClient[] = [];
const children: ChildProcess[] = [];

afterAll(async () => {
  for (const child of children) child.kill("SIGKILL");
  await Promise.all(clients.map((client) => client.close({ logout: false })));
  await Promise.all(daemons.map((daemon) => daemon.stop("SIGKILL")));
});

async function daemonOn(port: number): Promise<DaemonHandle> {
  const daemon = await startAttackDaemon([
    ...["--port", String(port), "--user-timeout", String(USER_TIMEOUT_S)],
    ...["--list-interval", String(LIST_INTERVAL_S)],
  ]);
  daemons.push(daemon);
  return daemon;
}

async function client(daemon: DaemonHandle, name: string): Promise<ChatClient> {
  const opened = await connect({
    host: daemon.host,
    port: daemon.port,
    name,
    keepAliveMs: KEEP_ALIVE_MS,
    requestTimeoutMs: 100,
  });
  clients.push(opened);
  return opened;
}

/** Resolves with the time the first pushed list satisfying `test` arrives. */
function listWhen(observer: ChatClient, test: (names: string[]) => boolean, timeoutMs: number) {
  return new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no such list in time")), timeoutMs);
    const off = observer.on("users", ({ names }) => {
      if (!test(names)) return;
      clearTimeout(timer);
      off();
      resolve(performance.now());
    });
  });
}

describe("vanished peers and restarts", () => {
  it("a SIGKILLed client process leaves everyone's list after userTimeout", async () => {
    const daemon = await daemonOn(0);
    const observer = await client(daemon, "observer");
    const child = spawn(process.execPath, ["--input-type=module", "-e", CLIENT_PROCESS], {
      cwd: APP_DIR,
      env: { ...process.env, HOST: daemon.host, PORT: String(daemon.port), NAME: "doomed" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    children.push(child);
    let lastHeard = 0;
    await new Promise<void>((resolve, reject) => {
      createInterface({ input: child.stdout! }).on("line", (line) => {
        if (line === "registered") resolve();
        if (line.startsWith("heard ")) lastHeard = Number(line.slice(6));
      });
      child.once("exit", (code) => reject(new Error(`client process exited early (${code})`)));
    });
    await listWhen(observer, (names) => names.includes("doomed"), 2_000);
    // Let it prove itself alive past one userTimeout, so only the kill can remove it.
    await sleep(USER_TIMEOUT_S * 1000 + 500);
    expect(await observer.list()).toContain("doomed");
    child.kill("SIGKILL");
    const killedAt = performance.now();
    const heardBeforeKill = lastHeard;
    const goneAt = await listWhen(observer, (names) => !names.includes("doomed"), 10_000);
    const goneEpoch = Date.now();
    const seconds = (goneAt - killedAt) / 1000;
    const silentSeconds = (goneEpoch - heardBeforeKill) / 1000;
    console.log(
      `vanished: a SIGKILLed client left the list ${seconds.toFixed(2)} s after the kill and` +
        ` ${silentSeconds.toFixed(2)} s after its last answered keep-alive (userTimeout ${USER_TIMEOUT_S} s)`,
    );
    // Not before userTimeout of silence (10 ms for the two processes' clock reads) ...
    expect(heardBeforeKill).toBeGreaterThan(0);
    expect(silentSeconds).toBeGreaterThanOrEqual(USER_TIMEOUT_S - 0.01);
    // ... and soon after: a tick at most 1 s late, a list push every 0.25 s, a loaded machine.
    expect(seconds).toBeLessThan(USER_TIMEOUT_S + 2.5);
    expect(await observer.list()).toEqual(["observer"]);
    await daemon.stop();
  }, 20_000);

  for (const [how, signal] of [
    ["crashes (SIGKILL, no notice)", "SIGKILL"],
    ["shuts down (SIGTERM, notice sent)", "SIGTERM"],
  ] as const) {
    it(`a server that ${how} and restarts on the same port gets its live clients back, no ghosts`, async () => {
      // Below the ephemeral range: nothing else can take the port while the server is down.
      const first = await daemonOn(await restartablePort());
      const port = first.port;
      const names = ["ann", "ben", "cat", "dan", "eve"];
      const live = await Promise.all(names.map((name) => client(first, `${name}-${signal}`)));
      expect((await live[0]?.list())?.length).toBe(names.length);
      await first.stop(signal);
      // One client leaves while the server is down: it must not come back as a ghost.
      const leaver = live.pop() as ChatClient;
      await leaver.close();
      // Long enough for the clients to miss keep-alives and notice the server is gone.
      await sleep(KEEP_ALIVE_MS * 5);
      const restartedAt = performance.now();
      const second = await daemonOn(port);
      const expected = live.map((c) => c.name as string).sort();
      const observer = live[0] as ChatClient;
      const backAt = await listWhen(
        observer,
        (list) => [...list].sort().join() === expected.join(),
        10_000,
      );
      console.log(
        `restart after ${signal}: ${live.length} clients registered again ${((backAt - restartedAt) / 1000).toFixed(2)} s after the new server listened`,
      );
      expect((await observer.list()).sort()).toEqual(expected);
      expect(live.every((c) => c.registered)).toBe(true);
      // And they talk again: one broadcast reaches every live client.
      const heard = live.map(
        (c) =>
          new Promise<void>((resolve) => {
            const off = c.on("broadcast", ({ message }) => {
              if (message !== "back") return;
              off();
              resolve();
            });
          }),
      );
      await expect(observer.broadcast("back")).resolves.toEqual({ status: "delivered" });
      await Promise.all(heard);
      await second.stop();
    }, 20_000);
  }
});

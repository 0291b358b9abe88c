import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { type ChatClient, connect } from "@chat/client";
import { nextEvent } from "@chat/client/testing";
import { loadAddon } from "@chat/udp-batch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The floor is a measuring stick: if it lost or misrouted datagrams, it would look faster
// than it is and every ratio to it would lie. Runs the built server (pnpm turbo run build
// --filter=bench... first), as bench:yardsticks does.
const SERVER = fileURLToPath(new URL("../dist/addon-floor-server.js", import.meta.url));
// Without the addon (no compiler at install time) there is no floor to measure; CI sets
// CHAT_UDP_BATCH_REQUIRED=1, where a missing addon fails this test instead.
const skip = !loadAddon().ok && process.env.CHAT_UDP_BATCH_REQUIRED !== "1";

describe.skipIf(skip)("the addon floor server", () => {
  let child: ChildProcess;
  let port: number;
  const clients: ChatClient[] = [];

  beforeAll(async () => {
    child = spawn(process.execPath, [SERVER, "--host", "127.0.0.1", "--port", "0"], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const [line] = (await once(createInterface({ input: child.stdout! }), "line")) as [string];
    port = (JSON.parse(line) as { port: number }).port;
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    if (child.exitCode === null) {
      child.kill("SIGTERM");
      await once(child, "exit");
    }
  });

  async function join(name: string): Promise<ChatClient> {
    const client = await connect({ host: "127.0.0.1", port, name, requestTimeoutMs: 500 });
    clients.push(client);
    return client;
  }

  it("registers, forwards a private message to its receiver and a broadcast to everyone", async () => {
    const ann = await join("ann");
    const bob = await join("bob");

    const privateToBob = nextEvent(bob, "private");
    await expect(ann.sendPrivate("bob", "hello bob")).resolves.toEqual({ status: "delivered" });
    expect(await privateToBob).toEqual({ from: "ann", message: "hello bob" });

    const atAnn = nextEvent(ann, "broadcast", (b) => b.message === "to all");
    const atBob = nextEvent(bob, "broadcast", (b) => b.message === "to all");
    await bob.broadcast("to all");
    expect(await atAnn).toMatchObject({ from: "bob", message: "to all" });
    expect(await atBob).toMatchObject({ from: "bob", message: "to all", self: true });
  });

  it("stops on SIGTERM", async () => {
    child.kill("SIGTERM");
    const [code] = await once(child, "exit");
    expect(code).toBe(0);
  });
});

import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { OpenOptions, UdpBatchBinding } from "./addon.js";
import { BatchSocket } from "./batch-socket.js";
import type { Layout } from "./layout.js";
import { addon, peer, recordingSocket, skipWithoutAddon, until } from "./test-support.js";

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function track<T extends { close(): void }>(thing: T): T {
  cleanups.push(() => thing.close());
  return thing;
}

/** open()'s options for 4 slots and 4 plan rows on 127.0.0.1, any of them replaced. */
function openOptions(layout: Layout, replace: Partial<OpenOptions> = {}): OpenOptions {
  return {
    family: 4,
    host: "127.0.0.1",
    port: 0,
    recv: new Uint8Array(4 * layout.MIN_SLOT_BYTES),
    meta: new Uint32Array(4 * layout.META_WORDS),
    arena: new Uint8Array(65_536),
    plan: new Uint32Array(4 * layout.PLAN_WORDS),
    result: new Int32Array(layout.RESULT_FAILED + 4 * layout.FAILED_WORDS),
    scratch: new Uint32Array(layout.SCRATCH_WORDS),
    onBatch: () => {},
    onWritable: () => {},
    onError: () => {},
    ...replace,
  };
}

describe.skipIf(skipWithoutAddon)("BatchSocket on real loopback sockets", () => {
  it("reads a burst in batches of recvmmsg and gives each datagram its source", async () => {
    const server = recordingSocket("127.0.0.1");
    track(server.socket);
    const client = await peer("udp4", "127.0.0.1");
    track(client.socket);
    for (let i = 0; i < 200; i++)
      client.socket.send(Buffer.from(`m${i}`), server.socket.port, "127.0.0.1");
    await until(() => server.received.length === 200);
    expect(server.received.map((r) => r.bytes.toString())).toEqual(
      Array.from({ length: 200 }, (_, i) => `m${i}`),
    );
    expect(server.received[0]!.from).toEqual({ address: "127.0.0.1", port: client.port });
    // One endpoint object per source, as long as it is remembered.
    expect(server.received[199]!.from).toBe(server.received[0]!.from);
    expect(server.batches.length).toBeLessThan(200);
    expect(Math.max(...server.batches)).toBeGreaterThan(1);
  });

  it("tells apart sources that share an address, and answers each at its own port", async () => {
    const sources: Array<{ address: string; port: number }> = [];
    const server = recordingSocket("::", {
      onDatagram: (bytes, from) => {
        sources.push(from);
        server.socket.sender.enqueue([{ bytes: Buffer.from(`re:${bytes}`), to: [from] }]);
      },
      onBatchEnd: () => server.socket.sender.flush(),
    });
    track(server.socket);
    const clients = await Promise.all([
      peer("udp4", "127.0.0.1"),
      peer("udp4", "127.0.0.1"),
      peer("udp6", "::1"),
      peer("udp6", "::1"),
    ]);
    for (const client of clients) track(client.socket);
    for (const [i, client] of clients.entries()) {
      client.socket.send(`c${i}`, server.socket.port, i < 2 ? "127.0.0.1" : "::1");
    }
    await until(() => clients.every((client) => client.received.length === 1));
    expect(clients.map((client) => client.received[0]!.toString())).toEqual([
      "re:c0",
      "re:c1",
      "re:c2",
      "re:c3",
    ]);
    sources.sort((a, b) => a.port - b.port);
    expect(sources).toEqual(
      clients
        .map((client, i) => ({ address: i < 2 ? "::ffff:127.0.0.1" : "::1", port: client.port }))
        .sort((a, b) => a.port - b.port),
    );
  });

  it("reads a 65,507-byte datagram whole", async () => {
    const server = recordingSocket("127.0.0.1");
    track(server.socket);
    const client = await peer("udp4", "127.0.0.1");
    track(client.socket);
    const big = Buffer.alloc(65_507, 7);
    client.socket.send(big, server.socket.port, "127.0.0.1");
    await until(() => server.received.length === 1);
    expect(server.received[0]!.bytes.equals(big)).toBe(true);
  });

  it("answers IPv4 and IPv6 sources on a dual-stack socket", async () => {
    const server = recordingSocket("::", {
      onDatagram: (bytes, from) => {
        server.socket.sender.enqueue([
          { bytes: Buffer.concat([Buffer.from("re:"), bytes]), to: [from] },
        ]);
      },
      onBatchEnd: () => server.socket.sender.flush(),
    });
    track(server.socket);
    const v4 = await peer("udp4", "127.0.0.1");
    track(v4.socket);
    const v6 = await peer("udp6", "::1");
    track(v6.socket);
    v4.socket.send("four", server.socket.port, "127.0.0.1");
    v6.socket.send("six", server.socket.port, "::1");
    await until(() => v4.received.length === 1 && v6.received.length === 1);
    expect(v4.received[0]!.toString()).toBe("re:four");
    expect(v6.received[0]!.toString()).toBe("re:six");
    expect(server.socket.family).toBe(6);
  });

  it("sends to addresses it has never received from, in both families", async () => {
    const four = recordingSocket("127.0.0.1");
    track(four.socket);
    const six = recordingSocket("::1");
    track(six.socket);
    const v4 = await peer("udp4", "127.0.0.1");
    track(v4.socket);
    const v6 = await peer("udp6", "::1");
    track(v6.socket);
    four.socket.sender.enqueue([
      { bytes: Buffer.from("a"), to: [{ address: "127.0.0.1", port: v4.port }] },
    ]);
    four.socket.sender.flush();
    six.socket.sender.enqueue([
      { bytes: Buffer.from("b"), to: [{ address: "::1", port: v6.port }] },
    ]);
    six.socket.sender.flush();
    await until(() => v4.received.length === 1 && v6.received.length === 1);
    // An IPv6 address on an IPv4 socket cannot be sent to: counted, not thrown.
    four.socket.sender.enqueue([
      { bytes: Buffer.from("c"), to: [{ address: "::1", port: v6.port }] },
    ]);
    four.socket.sender.flush();
    expect(four.errors).toEqual(["EINVAL"]);
  });

  it("skips a copy the kernel refuses, counts it by code, and sends the rest of the batch", async () => {
    const server = recordingSocket("127.0.0.1");
    track(server.socket);
    const target = await peer("udp4", "127.0.0.1");
    track(target.socket);
    const ok = [{ address: "127.0.0.1", port: target.port }];
    server.socket.sender.enqueue([
      { bytes: Buffer.from("one"), to: ok },
      { bytes: Buffer.from("port zero"), to: [{ address: "127.0.0.1", port: 0 }] }, // EINVAL
      { bytes: Buffer.from("two"), to: ok },
      { bytes: Buffer.alloc(65_508), to: ok }, // more than IPv4 carries: EMSGSIZE
      { bytes: Buffer.from("three"), to: ok },
    ]);
    server.socket.sender.flush();
    expect(server.errors).toEqual(["EINVAL", "EMSGSIZE"]);
    expect(server.socket.sender.counters).toMatchObject({ sends: 3, errors: 2, bytes: 11 });
    await until(() => target.received.length === 3);
    expect(target.received.map((b) => b.toString())).toEqual(["one", "two", "three"]);
  });

  it("a batch that outlives its socket never writes to the descriptor number's next owner", async () => {
    if (!addon.ok) throw new Error("addon required");
    const binding: UdpBatchBinding = addon.binding;
    const layout = binding.layout;
    const plan = new Uint32Array(4 * layout.PLAN_WORDS);
    const arena = new Uint8Array(65_536);
    const stale = binding.open(openOptions(layout, { plan, arena }));
    const fd = binding.fd(stale);
    binding.close(stale);
    // The number is released once libuv has let go of it (the next loop turn).
    await until(() => !existsSync(`/proc/self/fd/${fd}`));
    // Descriptors are handed out lowest first: open until the new owner holds the number.
    let next = track(recordingSocket("127.0.0.1").socket);
    for (let tries = 0; next.fd !== fd && tries < 64; tries++) {
      next = track(recordingSocket("127.0.0.1").socket);
    }
    expect(next.fd).toBe(fd);
    const target = await peer("udp4", "127.0.0.1");
    track(target.socket);
    // A row the stale handle would send from the new owner's descriptor, if it could.
    arena.set(Buffer.from("stale"), 0);
    plan[layout.PLAN_OFFSET] = 0;
    plan[layout.PLAN_LENGTH] = 5;
    plan[layout.PLAN_PORT] = target.port;
    plan[layout.PLAN_ADDRESS] = new Uint32Array(Uint8Array.of(127, 0, 0, 1).buffer)[0]!;
    expect(() => binding.send(stale, 1)).toThrow(
      expect.objectContaining({ code: "ERR_SOCKET_DGRAM_NOT_RUNNING" }),
    );
    next.sender.enqueue([
      { bytes: Buffer.from("fresh"), to: [{ address: "127.0.0.1", port: target.port }] },
    ]);
    next.sender.flush();
    await until(() => target.received.length === 1);
    expect(target.received.map((b) => b.toString())).toEqual(["fresh"]);
  });

  it("keeps reading across a fan-out large enough to leave the epoll set while it sends", async () => {
    // A send of 256 rows or more takes the socket out of libuv's epoll set for its duration
    // (native/udp_batch.c, QUIET_SEND_ROWS). Datagrams that arrive meanwhile, and after,
    // must still be read.
    const fans = await Promise.all([1, 2, 3].map(() => peer("udp4", "127.0.0.1")));
    for (const fan of fans) track(fan.socket);
    const client = await peer("udp4", "127.0.0.1");
    track(client.socket);
    const to = fans.flatMap((fan) =>
      Array.from({ length: 100 }, () => ({ address: "127.0.0.1", port: fan.port })),
    );
    let fannedOut = false;
    const server = recordingSocket("127.0.0.1", {
      onBatchEnd: () => {
        if (fannedOut) return;
        fannedOut = true;
        // Queued on the server's socket before the fan-out leaves: read only once the
        // socket is back in the set.
        for (let i = 0; i < 20; i++) client.socket.send(`during${i}`, port, "127.0.0.1");
        server.socket.sender.enqueue([{ bytes: Buffer.from("fan"), to }]);
        server.socket.sender.flush();
      },
    });
    track(server.socket);
    const port = server.socket.port;
    client.socket.send("go", port, "127.0.0.1");
    await until(() => fans.every((fan) => fan.received.length === 100));
    await until(() => server.received.length === 21);
    for (let i = 0; i < 20; i++) client.socket.send(`after${i}`, port, "127.0.0.1");
    await until(() => server.received.length === 41);
    const texts = server.received.map((r) => r.bytes.toString());
    expect(texts.filter((t) => t.startsWith("during"))).toHaveLength(20);
    expect(texts.filter((t) => t.startsWith("after"))).toHaveLength(20);
    expect(server.socket.sender.counters.sends).toBe(300);
  });

  it("open refuses buffers that disagree with the layout, and names a bad option", () => {
    if (!addon.ok) throw new Error("addon required");
    const { binding } = addon;
    const layout = binding.layout;
    // Slots that could truncate a datagram: a truncation would go unnoticed, so none is allowed.
    const small = openOptions(layout, { recv: new Uint8Array(4 * (layout.MIN_SLOT_BYTES - 1)) });
    expect(() => binding.open(small)).toThrow(
      expect.objectContaining({ code: "ERR_OUT_OF_RANGE" }),
    );
    const noRoom = openOptions(layout, { result: new Int32Array(layout.RESULT_FAILED) });
    expect(() => binding.open(noRoom)).toThrow(
      expect.objectContaining({ code: "ERR_OUT_OF_RANGE" }),
    );
    const wrongType = openOptions(layout, { meta: new Int32Array(4 * layout.META_WORDS) as never });
    expect(() => binding.open(wrongType)).toThrow("bad option meta");
    expect(() => binding.open(openOptions(layout, { port: 65_536 }))).toThrow("bad option port");
    expect(() => binding.open(openOptions(layout, { host: "::1" }))).toThrow(
      expect.objectContaining({ code: "EINVAL", syscall: "bind" }),
    );
  });

  it("stops at close: nothing more is received or sent, and close twice is fine", async () => {
    const server = recordingSocket("127.0.0.1");
    const target = await peer("udp4", "127.0.0.1");
    track(target.socket);
    server.socket.close();
    server.socket.close();
    expect(server.socket.fd).toBe(-1);
    server.socket.sender.enqueue([
      { bytes: Buffer.from("x"), to: [{ address: "127.0.0.1", port: target.port }] },
    ]);
    server.socket.sender.flush();
    expect(server.socket.sender.counters.sends).toBe(0);
    expect(target.received).toEqual([]);
  });
});

describe("loading", () => {
  it("says why when the addon is absent, and BatchSocket refuses to open", async () => {
    const { loadAddon } = await import("./addon.js");
    const absent = loadAddon({ CHAT_UDP_BATCH_ADDON: "/nonexistent/udp_batch.node" });
    expect(absent).toEqual({
      ok: false,
      reason: "native addon not built (no CHAT_UDP_BATCH_ADDON=/nonexistent/udp_batch.node)",
    });
    const options = {
      host: "127.0.0.1",
      port: 0,
      onDatagram: () => {},
      onBatchEnd: () => {},
      onError: () => {},
      onSendError: () => {},
      onOverflow: () => {},
      addon: absent,
    };
    expect(() => new BatchSocket(options)).toThrow(/not built/);
  });

  it("refuses an addon whose layout the wrapper cannot read, and says which fields", async () => {
    const { loadAddon } = await import("./addon.js");
    const dir = mkdtempSync(join(tmpdir(), "udp-batch-layout-"));
    try {
      // A stand-in for a stale build: the module loads, its layout lacks two fields.
      const path = join(dir, "udp_batch.cjs");
      writeFileSync(path, "module.exports = { layout: { META_WORDS: 8, PLAN_WORDS: 8 } };");
      const loaded = loadAddon({ CHAT_UDP_BATCH_ADDON: path });
      expect(loaded.ok).toBe(false);
      expect(!loaded.ok && loaded.reason).toMatch(
        /^native addon's layout is unreadable: no META_LENGTH, META_PORT, .*MIN_SLOT_BYTES$/,
      );
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
});

import { createServer } from "node:net";
import { ChatSocket, connect } from "@chat/client";
import { afterAll, describe, expect, it } from "vitest";
import { eventually, metricsPort, scrape } from "./test-support/scrape.js";
import { type DaemonHandle, startDaemon } from "./testing/index.js";

const started: DaemonHandle[] = [];
afterAll(async () => {
  await Promise.all(started.map((daemon) => daemon.stop("SIGKILL")));
});

async function serve(args: string[], env: Record<string, string> = {}) {
  const daemon = await startDaemon({ args, env });
  started.push(daemon);
  return daemon;
}

describe("Prometheus metrics", () => {
  it("serves nothing over HTTP unless --metrics is given", async () => {
    const daemon = await serve([]);
    const client = await connect({ host: daemon.host, port: daemon.port, name: "alice" });
    await client.close();
    expect(daemon.logs().some((line) => line.msg === "metrics listening")).toBe(false);
  });

  it("counts traffic by opcode, drops by reason, and never labels with a name or an address", async () => {
    const daemon = await serve(["--metrics", "127.0.0.1:0", "--list-interval", "0"]);
    const port = await metricsPort(daemon);
    const options = { host: daemon.host, port: daemon.port, keepAliveMs: 0 };
    const alice = await connect({ ...options, name: "alice" });
    const bob = await connect({ ...options, name: "bob" });
    await alice.broadcast("hello");
    const raw = await ChatSocket.open(options);
    raw.sendRaw(Uint8Array.of(99, 0, 0));
    await raw.next((packet) => packet.opcode === 1, 2000);
    await raw.close();

    const s = await scrape(port);
    expect(s.value("chat_users")).toBe(2);
    // Each client asks for a cookie first (revision 3): `name 00`, then `name 00 token`.
    expect(s.value("chat_received_datagrams_total", { opcode: "REGISTER" })).toBe(4);
    const token = Math.floor(Date.now() / 30_000).toString(36).length + 1 + 22;
    const register = (name: string) => 2 * (3 + name.length + 1) + token;
    expect(s.value("chat_received_bytes_total", { opcode: "REGISTER" })).toBe(
      register("alice") + register("bob"),
    );
    expect(s.value("chat_address_challenges_total")).toBe(2);
    expect(s.value("chat_address_tokens_total", { result: "accepted" })).toBe(2);
    expect(s.value("chat_users_by_check", { check: "checked" })).toBe(2);
    expect(s.value("chat_received_datagrams_total", { opcode: "BROADCAST" })).toBe(1);
    expect(s.value("chat_received_datagrams_total", { opcode: "unknown" })).toBe(1);
    expect(s.value("chat_sent_datagrams_total", { opcode: "BROADCAST_FWD" })).toBe(2);
    expect(s.value("chat_sent_datagrams_total", { opcode: "OK" })).toBe(2);
    expect(s.value("chat_dropped_datagrams_total", { reason: "unknown-opcode" })).toBe(1);
    expect(s.value("chat_registrations_total")).toBe(2);
    expect(s.value("chat_broadcasts_total")).toBe(1);
    // 2 challenges, 2 OK, 2 forwards, 1 ERROR
    expect(s.value("chat_socket_sends_total")).toBe(7);
    expect(s.value("chat_build_info")).toBe(1);
    // Process metrics and event-loop lag come with it.
    expect(s.types.get("process_resident_memory_bytes")).toBe("gauge");
    expect(s.types.get("nodejs_eventloop_lag_seconds")).toBe("gauge");
    // Bounded labels only: no user name, no address, no port ever becomes a label value.
    for (const sample of s.samples) {
      for (const value of Object.values(sample.labels)) {
        expect(value).not.toMatch(/alice|bob|127\.0\.0\.1/);
        expect(value).not.toBe(String(alice.socket.localPort));
      }
    }
    await alice.close();
    await bob.close();
    const after = await scrape(port);
    expect(after.value("chat_users")).toBe(0);
    expect(after.value("chat_logouts_total")).toBe(2);
  });

  it("follows Prometheus naming: chat_ prefix, _total on counters, base units", async () => {
    const daemon = await serve(["--metrics", "127.0.0.1:0"]);
    const s = await scrape(await metricsPort(daemon));
    const ours = [...s.types].filter(([name]) => name.startsWith("chat_"));
    expect(ours.length).toBeGreaterThan(20);
    for (const [name, type] of ours) {
      expect(name).toMatch(/^chat_[a-z_]+$/);
      if (type === "counter") expect(name).toMatch(/_total$/);
      else expect(name).not.toMatch(/_total$/);
      expect(name).not.toMatch(/_(ms|milliseconds|kb|kib|mb)(_|$)/);
    }
  });

  it("times user-list pushes in a histogram", async () => {
    const daemon = await serve(["--metrics", "127.0.0.1:0", "--list-interval", "0.2"]);
    const port = await metricsPort(daemon);
    const client = await connect({ host: daemon.host, port: daemon.port, name: "carol" });
    const count = await eventually(async () => {
      const n = (await scrape(port)).value("chat_list_push_duration_seconds_count") ?? 0;
      return n >= 2 ? n : undefined;
    });
    const s = await scrape(port);
    expect(s.value("chat_list_pushes_total")).toBeGreaterThanOrEqual(count);
    expect(s.value("chat_list_push_duration_seconds_sum")).toBeGreaterThan(0);
    expect(s.value("chat_list_push_duration_seconds_bucket", { le: "+Inf" })).toBe(
      s.value("chat_list_push_duration_seconds_count"),
    );
    await client.close();
  });

  it("answers /healthz, 404 elsewhere, and takes CHAT_METRICS", async () => {
    const daemon = await serve([], { CHAT_METRICS: "127.0.0.1:0" });
    const port = await metricsPort(daemon);
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.text()).toBe(`ok 127.0.0.1 ${daemon.port}\n`);
    expect((await fetch(`http://127.0.0.1:${port}/nope`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${port}/metrics`, { method: "POST" })).status).toBe(405);
  });

  it("exits 1 with one line on stderr when the metrics port is taken", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const taken = (blocker.address() as { port: number }).port;
    try {
      const daemon = await serve(["--metrics", `127.0.0.1:${taken}`]);
      expect(await daemon.exited).toBe(1);
      expect(daemon.stderr()).toMatch(
        new RegExp(
          `^chat-server: cannot serve metrics on 127\\.0\\.0\\.1 port ${taken}: .*EADDRINUSE`,
        ),
      );
    } finally {
      blocker.close();
    }
  });
});

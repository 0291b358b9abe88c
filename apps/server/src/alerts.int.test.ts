import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { ChatSocket } from "@chat/client";
import { ErrorText, Opcode } from "@chat/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isReply } from "./test-support/peers.js";
import { type PrometheusServer, startPrometheus } from "./test-support/prometheus.js";
import { eventually, metricsPort } from "./test-support/scrape.js";
import { findTool } from "./test-support/tools.js";
import { type DaemonHandle, startDaemon } from "./testing/index.js";

const RULES = fileURLToPath(new URL("../../../deploy/chat-udp.rules.yml", import.meta.url));
const promtool = findTool("promtool");
const prometheus = findTool("prometheus");

// Skipped only where Prometheus is not installed (`.ci/run` installs Debian's package).
describe.skipIf(promtool === undefined)("deploy/chat-udp.rules.yml", () => {
  it("passes promtool check rules", async () => {
    const result = await new Promise<{ code: number; out: string }>((resolve) => {
      execFile(promtool!, ["check", "rules", RULES], { timeout: 30_000 }, (error, out, err) => {
        resolve({ code: error ? Number(error.code ?? -1) : 0, out: `${out}${err}` });
      });
    });
    expect(result.code, result.out).toBe(0);
    expect(result.out).toMatch(/SUCCESS: \d+ rules found/);
  });
});

describe.skipIf(prometheus === undefined)("the alert rules in a real Prometheus", () => {
  let daemon: DaemonHandle;
  let server: PrometheusServer;
  const sockets: ChatSocket[] = [];
  beforeAll(async () => {
    daemon = await startDaemon({ args: ["--metrics", "127.0.0.1:0", "--max-users", "2"] });
    const target = `127.0.0.1:${await metricsPort(daemon)}`;
    server = await startPrometheus(prometheus!, target, { ruleFiles: [RULES] });
  }, 60_000);
  afterAll(async () => {
    await Promise.all(sockets.map((socket) => socket.close()));
    await server?.stop();
    await daemon?.stop();
  });

  async function register(name: string) {
    const socket = await ChatSocket.open({ host: daemon.host, port: daemon.port });
    sockets.push(socket);
    socket.send({ opcode: Opcode.REGISTER, name });
    return socket.next(isReply, 3000);
  }

  it("fire ChatServerFull when a REGISTER finds the server full; ChatNearCapacity waits its 10 m", async () => {
    // Two scrapes first, so increase() has a series from before the refusal.
    await eventually(async () => {
      const rows = await server.query('chat_refusals_total{reason="server-full"}');
      return rows.length > 0 && (await server.query("up"))[0]?.value === 1 ? true : undefined;
    }, 20_000);
    expect(await server.alerts()).toEqual([]); // a healthy idle server alerts nothing
    expect(await register("ann")).toEqual({ opcode: Opcode.OK });
    expect(await register("ben")).toEqual({ opcode: Opcode.OK });
    expect(await register("cat")).toEqual({ opcode: Opcode.ERROR, text: ErrorText.SERVER_FULL });

    const firing = await eventually(async () => {
      const alerts = await server.alerts();
      return alerts.some((a) => a.name === "ChatServerFull" && a.state === "firing")
        ? alerts
        : undefined;
    }, 30_000);
    expect(firing.find((a) => a.name === "ChatServerFull")?.labels).toMatchObject({
      severity: "warning",
    });
    const near = await eventually(async () => {
      const alerts = await server.alerts();
      return alerts.find((a) => a.name === "ChatNearCapacity");
    }, 20_000);
    expect(near.state).toBe("pending");
    // Nothing else: no false alarm from the traffic.
    for (const alert of await server.alerts()) {
      expect(["ChatServerFull", "ChatNearCapacity"]).toContain(alert.name);
    }
  }, 90_000);

  it("fire ChatServerDown once the server has been gone for its 1 m (pending at once)", async () => {
    await daemon.stop();
    const down = await eventually(async () => {
      const alerts = await server.alerts();
      return alerts.find((a) => a.name === "ChatServerDown");
    }, 20_000);
    expect(down.state).toBe("pending");
  }, 30_000);
});

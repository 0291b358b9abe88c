import { connect } from "@chat/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dashboardQueries } from "./test-support/dashboard.js";
import { type PrometheusServer, startPrometheus } from "./test-support/prometheus.js";
import { eventually, metricsPort } from "./test-support/scrape.js";
import { findTool } from "./test-support/tools.js";
import { type DaemonHandle, startDaemon } from "./testing/index.js";

const prometheus = findTool("prometheus");
// Skipped only where Prometheus is not installed (`.ci/run` installs Debian's package).
describe.skipIf(prometheus === undefined)("scraped by a real Prometheus server", () => {
  let daemon: DaemonHandle;
  let server: PrometheusServer;
  beforeAll(async () => {
    daemon = await startDaemon({ args: ["--metrics", "127.0.0.1:0", "--list-interval", "0"] });
    server = await startPrometheus(prometheus!, `127.0.0.1:${await metricsPort(daemon)}`);
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    await daemon?.stop();
  });

  const instant = async (expression: string) => (await server.query(expression))[0]?.value;

  it("sees the target up, then a counter move after traffic", async () => {
    await eventually(
      async () => ((await instant('up{job="chat"}')) === 1 ? true : undefined),
      20_000,
    );
    const registers = 'chat_received_datagrams_total{job="chat",opcode="REGISTER"}';
    const before = await eventually(() => instant(registers), 20_000);
    const options = { host: daemon.host, port: daemon.port, keepAliveMs: 0 };
    const clients = await Promise.all(
      ["ann", "ben", "cat"].map((name) => connect({ ...options, name })),
    );
    await clients[0]!.broadcast("hi all");
    const after = await eventually(async () => {
      const value = await instant(registers);
      return value !== undefined && value >= before + 6 ? value : undefined;
    }, 20_000);
    // Two REGISTERs a client: it asks for a cookie first (revision 3's address check).
    expect(after).toBe(before + 6);
    await eventually(async () => ((await instant("chat_users")) === 3 ? true : undefined), 20_000);
    const forwards = await instant('chat_sent_datagrams_total{opcode="BROADCAST_FWD"}');
    expect(forwards).toBe(3);
    await Promise.all(clients.map((client) => client.close()));
  }, 60_000);

  it("can rate() a counter, as a dashboard does", async () => {
    const rows = await server.query("sum by (opcode) (rate(chat_received_datagrams_total[1m]))");
    expect(rows.map((row) => row.metric.opcode)).toContain("REGISTER");
  });

  it("shows event-loop lag without prom-client's 10 ms sampling interval", async () => {
    // An idle server: the raw p50 reads the 10 ms timer itself, the panel the lag (~0).
    const raw = await eventually(() => instant("max(nodejs_eventloop_lag_p50_seconds)"), 20_000);
    expect(raw).toBeGreaterThanOrEqual(0.0099);
    const panel = dashboardQueries().find(({ expr }) => expr.includes("eventloop_lag_p50"));
    const shown = await instant((panel?.expr ?? "").replaceAll("$instance", ".*"));
    expect(shown).toBeGreaterThanOrEqual(0);
    expect(shown).toBeLessThan(0.008);
  });

  it("answers every query of the Grafana dashboard with data", async () => {
    // Grafana fills these in; a rate needs two scrapes in its window, which 1m holds.
    const asGrafana = (expr: string) =>
      expr.replaceAll("$__rate_interval", "1m").replaceAll("$instance", ".*");
    for (const { where, expr } of dashboardQueries()) {
      const rows = await server.query(asGrafana(expr));
      // Cluster panels have no series without --cluster.
      if (/chat_cluster_/.test(expr)) continue;
      expect(rows.length, `${where}: ${expr}`).toBeGreaterThan(0);
    }
  });
});

import { readFileSync } from "node:fs";
import { connect } from "@chat/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DASHBOARD_PATH, dashboardQueries, metricNames } from "./test-support/dashboard.js";
import { metricsPort, type Scrape, scrape } from "./test-support/scrape.js";
import { type DaemonHandle, startDaemon } from "./testing/index.js";

describe("deploy/grafana-dashboard.json", () => {
  let daemon: DaemonHandle;
  let scraped: Scrape;
  beforeAll(async () => {
    daemon = await startDaemon({ args: ["--metrics", "127.0.0.1:0"] });
    const client = await connect({ host: daemon.host, port: daemon.port, name: "dana" });
    await client.broadcast("for the graphs");
    await client.close();
    scraped = await scrape(await metricsPort(daemon));
  });
  afterAll(async () => {
    await daemon?.stop();
  });

  it("reads metric names out of PromQL, not functions, labels or keywords", () => {
    const expr =
      'histogram_quantile(0.99, sum by (le) (rate(a_bucket{instance=~"$instance", x="rate(b)"}[$__rate_interval]))) / on (job) c_total';
    expect(metricNames(expr)).toEqual(["a_bucket", "c_total"]);
  });

  it("queries only metrics that a real scrape of the server serves", () => {
    const served = new Set([...scraped.types.keys(), ...scraped.samples.map((s) => s.name)]);
    const queries = dashboardQueries();
    expect(queries.length).toBeGreaterThan(20);
    for (const { where, expr } of queries) {
      const names = metricNames(expr);
      expect(names.length, `${where}: ${expr}`).toBeGreaterThan(0);
      for (const name of names) expect(served.has(name), `${where} reads ${name}`).toBe(true);
    }
  });

  it("is an importable dashboard: a Prometheus data source input, unique panel ids", () => {
    const dashboard = JSON.parse(readFileSync(DASHBOARD_PATH, "utf8")) as {
      __inputs: Array<{ name: string; pluginId: string }>;
      uid: string;
      panels: Array<{ id: number; datasource?: { uid: string } }>;
    };
    expect(dashboard.__inputs).toEqual([
      expect.objectContaining({ name: "DS_PROMETHEUS", pluginId: "prometheus" }),
    ]);
    const ids = dashboard.panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of dashboard.panels) {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's import placeholder
      if (panel.datasource) expect(panel.datasource.uid).toBe("${DS_PROMETHEUS}");
    }
  });
});

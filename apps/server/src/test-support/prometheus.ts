import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface PrometheusServer {
  readonly port: number;
  /** Active alerts (GET /api/v1/alerts): name, state (pending, firing) and labels. */
  alerts(): Promise<Array<{ name: string; state: string; labels: Record<string, string> }>>;
  /** An instant query's result vector (GET /api/v1/query). */
  query(expression: string): Promise<Array<{ metric: Record<string, string>; value: number }>>;
  stop(): Promise<void>;
}

/**
 * Starts a private Prometheus on a free loopback port that scrapes `target` (host:port of a
 * /metrics endpoint) every second, with its data in a temporary directory. Never the
 * system's instance: nothing outside the test sees it.
 */
export async function startPrometheus(
  binary: string,
  target: string,
  options: { readonly ruleFiles?: readonly string[] } = {},
): Promise<PrometheusServer> {
  const dir = mkdtempSync(join(tmpdir(), "chat-prometheus-"));
  const config = join(dir, "prometheus.yml");
  writeFileSync(
    config,
    [
      "global:",
      "  scrape_interval: 1s",
      "  scrape_timeout: 1s",
      "  evaluation_interval: 1s",
      ...(options.ruleFiles === undefined
        ? []
        : ["rule_files:", ...options.ruleFiles.map((file) => `  - ${JSON.stringify(file)}`)]),
      "scrape_configs:",
      "  - job_name: chat",
      "    static_configs:",
      `      - targets: ["${target}"]`,
      "",
    ].join("\n"),
  );
  const port = await freePort();
  const child = spawn(
    binary,
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--log.level=warn",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));
  process.once("exit", () => child.kill("SIGKILL"));
  const base = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
    rmSync(dir, { recursive: true, force: true });
  };
  await waitReady(base, child, () => stderr).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  return {
    port,
    stop,
    async alerts() {
      const body = (await (await fetch(`${base}/api/v1/alerts`)).json()) as {
        data: { alerts: Array<{ labels: Record<string, string>; state: string }> };
      };
      return body.data.alerts.map((alert) => ({
        name: alert.labels.alertname ?? "",
        state: alert.state,
        labels: alert.labels,
      }));
    },
    async query(expression) {
      const url = `${base}/api/v1/query?query=${encodeURIComponent(expression)}`;
      const body = (await (await fetch(url)).json()) as {
        status: string;
        error?: string;
        data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
      };
      if (body.status !== "success") throw new Error(`query ${expression}: ${body.error}`);
      return body.data.result.map((row) => ({ metric: row.metric, value: Number(row.value[1]) }));
    },
  };
}

async function waitReady(base: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`prometheus exited: ${stderr()}`);
    const ready = await fetch(`${base}/-/ready`).then(
      (response) => response.status === 200,
      () => false,
    );
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`prometheus not ready within 30 s: ${stderr()}`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

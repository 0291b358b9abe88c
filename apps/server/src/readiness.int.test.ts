import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startRedis, type TestRedis } from "@chat/cluster-redis/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { eventually, metricsPort } from "./test-support/scrape.js";
import { type DaemonHandle, startDaemon } from "./testing/index.js";

const HEALTHCHECK = fileURLToPath(new URL("../dist/healthcheck.js", import.meta.url));

function healthcheck(
  ...args: string[]
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [HEALTHCHECK, ...args],
      { timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** A loopback TCP port nothing listens on (bound once, then closed). */
async function closedTcpPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** GET /readyz: its status and body. */
async function readyz(port: number): Promise<{ status: number; body: string }> {
  const response = await fetch(`http://127.0.0.1:${port}/readyz`);
  return { status: response.status, body: await response.text() };
}

/** Polls /readyz until it answers `status`; how long that took (ms). */
async function readyzBecomes(port: number, status: number, timeoutMs: number): Promise<number> {
  const started = Date.now();
  await eventually(
    async () => ((await readyz(port)).status === status ? true : undefined),
    timeoutMs,
  );
  return Date.now() - started;
}

const started: DaemonHandle[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((daemon) => daemon.stop("SIGKILL")));
});

async function node(url: string, extra: string[] = [], env: Record<string, string> = {}) {
  // A node that cannot join waits 5 s before it serves alone; a loaded machine adds to that.
  const daemon = await startDaemon({
    args: ["--cluster", url, "--metrics", "127.0.0.1:0", ...extra],
    startupTimeoutMs: 30_000,
    env,
  });
  started.push(daemon);
  return { daemon, metrics: await metricsPort(daemon) };
}

describe("/readyz on a lone server", () => {
  it("answers 200 ready beside /healthz, and healthcheck --ready exits 0", async () => {
    const daemon = await startDaemon({ args: ["--metrics", "127.0.0.1:0"] });
    started.push(daemon);
    const port = await metricsPort(daemon);
    expect(await readyz(port)).toEqual({ status: 200, body: "ready\n" });
    const url = `http://127.0.0.1:${port}/readyz`;
    const both = await healthcheck("--target", `127.0.0.1:${daemon.port}`, "--ready", url);
    expect(both.code).toBe(0);
    expect(both.stdout).toContain(`${url}: ready`);
    expect((await healthcheck("--ready", url)).code).toBe(0);
  });

  it("healthcheck --ready exits 1 when nothing answers there, 2 for a URL that is not http", async () => {
    const closed = await closedTcpPort();
    const url = `http://127.0.0.1:${closed}/readyz`;
    const none = await healthcheck("--ready", url, "--timeout", "1");
    expect(none.code).toBe(1);
    expect(none.stderr).toBe(`unhealthy: ${url}: ECONNREFUSED\n`);
    expect((await healthcheck("--ready", "ftp://x")).code).toBe(2);
  });
});

describe("/readyz in cluster mode", () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it("is 503 within 2 s of Redis going away and 200 within 10 s of its return; the reason is logged", async () => {
    const { daemon, metrics } = await node(redis.url);
    await readyzBecomes(metrics, 200, 10_000);
    await redis.kill();
    expect(await readyzBecomes(metrics, 503, 5000)).toBeLessThan(2000);
    expect(await readyz(metrics)).toEqual({
      status: 503,
      body: "not ready: cluster unavailable\n",
    });
    const url = `http://127.0.0.1:${metrics}/readyz`;
    const probe = await healthcheck("--ready", url);
    expect(probe.code).toBe(1);
    expect(probe.stderr).toBe(`unhealthy: ${url}: 503 not ready: cluster unavailable\n`);
    const reason = await daemon.waitForLog((line) => line.msg === "cluster Redis unreachable");
    expect(reason.reason).toMatch(/^ECONNREFUSED: /);

    await redis.restart();
    expect(await readyzBecomes(metrics, 200, 12_000)).toBeLessThan(10_000);
    await daemon.waitForLog((line) => line.msg === "cluster Redis reachable again");
  });

  it("names a wrong password, keeps it out of every line, and names the target without it", async () => {
    // A Redis of its own: once it wants a password, the kit cannot reset it.
    const locked = await startRedis();
    try {
      await locked.configSet("requirepass", "s3cret");
      const withPassword = locked.url.replace("redis://", "redis://:s3cret@");
      const shown = locked.url.replace("redis://", "redis://:***@");
      // The password from a file, and from a systemd credential, instead of the URL.
      const secrets = mkdtempSync(join(tmpdir(), "chat-secrets-"));
      writeFileSync(join(secrets, "password"), "s3cret\n", { mode: 0o600 });
      writeFileSync(join(secrets, "cluster-password"), "s3cret", { mode: 0o600 });
      // Started together: a node that cannot join waits 5 s before it serves alone.
      const [good, wrong, none, fromFile, fromCredential] = await Promise.all([
        node(withPassword),
        node(locked.url.replace("redis://", "redis://:wrong@")),
        node(locked.url),
        node(locked.url, ["--cluster-password-file", join(secrets, "password")]),
        node(locked.url, [], { CREDENTIALS_DIRECTORY: secrets }),
      ]);
      await readyzBecomes(good.metrics, 200, 10_000);
      await readyzBecomes(fromFile.metrics, 200, 10_000);
      await readyzBecomes(fromCredential.metrics, 200, 10_000);
      rmSync(secrets, { recursive: true, force: true });
      const listening = good.daemon.logs().find((line) => line.msg === "listening");
      expect(listening?.cluster).toBe(shown);

      const line = await wrong.daemon.waitForLog(
        (entry) => entry.msg === "cluster Redis unreachable",
      );
      expect(line.reason).toMatch(/^WRONGPASS: /);
      expect(line.target).toBe(shown);
      expect((await readyz(wrong.metrics)).status).toBe(503);
      const noAuth = await none.daemon.waitForLog(
        (entry) => entry.msg === "cluster Redis unreachable",
      );
      expect(noAuth.reason).toMatch(/^NOAUTH: /);
      expect((await readyz(none.metrics)).status).toBe(503);

      for (const { daemon } of [good, wrong, none, fromFile, fromCredential]) {
        const output = JSON.stringify(daemon.logs()) + daemon.stderr();
        expect(output).not.toContain("s3cret");
        expect(output).not.toContain(":wrong@");
      }
    } finally {
      await locked.stop();
    }
  });
});

import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { eventually, metricsPort, scrape } from "./test-support/scrape.js";
import { findTool } from "./test-support/tools.js";
import { type DaemonHandle, SERVER_MAIN, startDaemon } from "./testing/index.js";

const UNIT_PATH = fileURLToPath(new URL("../../../deploy/chat-udp.service", import.meta.url));
const unit = readFileSync(UNIT_PATH, "utf8");
const INSTALLED_MAIN = "/opt/chat-udp/apps/server/dist/main.js";
const ENV_FILE = "/etc/chat-udp/chat-udp.env";

/** Every `Key=value` line of the unit's [Service] section, in order. */
function serviceLines(): Array<[string, string]> {
  const section = unit.split(/^\[Service\]$/m)[1]?.split(/^\[/m)[0] ?? "";
  return section
    .split("\n")
    .filter((line) => /^\w+=/.test(line))
    .map((line) => {
      const at = line.indexOf("=");
      return [line.slice(0, at), line.slice(at + 1)];
    });
}
const settings = (key: string) =>
  serviceLines()
    .filter(([k]) => k === key)
    .map(([, v]) => v);

function run(command: string, args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
      resolve({ code, out: `${stdout}${stderr}` });
    });
  });
}

describe("deploy/chat-udp.service", () => {
  it("carries the hardening operators expect", () => {
    const one = (key: string) => settings(key).at(-1);
    expect(one("DynamicUser")).toBe("yes");
    expect(one("NoNewPrivileges")).toBe("yes");
    expect(one("ProtectSystem")).toBe("strict"); // the whole file system read-only
    expect(one("ProtectHome")).toBe("yes");
    expect(one("PrivateTmp")).toBe("yes");
    expect(one("CapabilityBoundingSet")).toBe("");
    expect(one("Restart")).toBe("on-failure");
    expect(one("RestartPreventExitStatus")).toBe("2");
    expect(one("ExecStart")).toBe(`/usr/bin/node ${INSTALLED_MAIN} --env-file ${ENV_FILE}`);
    // SIGHUP reloads; a unit without ExecReload would make `systemctl reload` fail.
    expect(one("ExecReload")).toBe("/bin/kill -HUP $MAINPID");
    expect(one("MemoryMax")).toMatch(/^\d+[MG]$/);
    expect(Number(one("TasksMax"))).toBeGreaterThan(0);
    expect(Number(one("LimitNOFILE"))).toBeGreaterThan(0);
    expect(one("RuntimeDirectory")).toBe("chat-udp");
    expect(settings("Environment").every((value) => /^(CHAT_[A-Z_]+|NODE_ENV)=/.test(value))).toBe(
      true,
    );
  });

  // Skipped only where systemd-analyze is not installed (`.ci/run` installs systemd).
  describe.skipIf(findTool("systemd-analyze") === undefined)("checked by systemd-analyze", () => {
    const dir = mkdtempSync(join(tmpdir(), "chat-unit-"));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    // verify insists that ExecStart's program exists: point it at this node and this checkout.
    const local = join(dir, "chat-udp.service");
    writeFileSync(
      local,
      unit.replace(`/usr/bin/node ${INSTALLED_MAIN}`, `${process.execPath} ${SERVER_MAIN}`),
    );

    it("passes systemd-analyze verify with no warning", async () => {
      const result = await run("systemd-analyze", ["verify", local]);
      expect(result).toEqual({ code: 0, out: "" });
    });

    it("rates as OK (exposure below 2) in systemd-analyze security", async () => {
      const result = await run("systemd-analyze", ["security", "--offline=true", local]);
      expect(result.code).toBe(0);
      const score = /Overall exposure level for chat-udp\.service: ([\d.]+) (\w+)/.exec(result.out);
      expect(score?.[2]).toBe("OK");
      expect(Number(score?.[1])).toBeLessThan(2);
    });
  });

  describe("its ExecStart and Environment", () => {
    let daemon: DaemonHandle | undefined;
    const adminDir = mkdtempSync(join(tmpdir(), "chat-unit-admin-"));
    afterAll(async () => {
      await daemon?.stop();
      rmSync(adminDir, { recursive: true, force: true });
    });

    it("start a server that serves and answers its metrics and health probes", async () => {
      const env = Object.fromEntries(
        settings("Environment").map((value) => value.split(/=(.*)/s).slice(0, 2)),
      ) as Record<string, string>;
      expect(env).toMatchObject({ CHAT_PORT: "9999", CHAT_METRICS: "127.0.0.1:9464" });
      // The same settings on free ports, so the test never meets a real instance.
      // The admin socket goes to a directory of the test's; /run/chat-udp is systemd's to make.
      expect(env.CHAT_ADMIN_SOCKET).toBe("/run/chat-udp/admin.sock");
      daemon = await startDaemon({
        env: {
          ...env,
          CHAT_HOST: "127.0.0.1",
          CHAT_PORT: "0",
          CHAT_METRICS: "127.0.0.1:0",
          CHAT_ADMIN_SOCKET: join(adminDir, "admin.sock"),
        },
      });
      const port = await metricsPort(daemon);
      expect(daemon.logs()[0]).toMatchObject({ msg: "listening", level: 30 }); // JSON lines
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(200);
      await eventually(async () =>
        (await scrape(port)).value("chat_users") === 0 ? true : undefined,
      );
    });
  });
});

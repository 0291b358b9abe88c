import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ChatClient, connect } from "@chat/client";
import { startRedis } from "@chat/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADDON_BUILD, ARTIFACTS, bundleAll, REPO_ROOT } from "./bundle.js";
import {
  alone,
  type BundledServer,
  HAS_TMUX,
  removeAloneFolders,
  run,
  startBundledServer,
  Terminal,
  withoutChatVariables,
} from "./test-support/alone.js";

/*
 * What `pnpm dist` writes (all but the single executable, tested in executable.heavy.int),
 * each file copied alone into an empty folder: no node_modules, no workspace.
 */
const out = mkdtempSync(join(tmpdir(), "chat-dist-"));
const artifact = (name: string) => join(out, name);
let server: BundledServer;

beforeAll(async () => {
  await bundleAll(out);
  server = await startBundledServer(alone(artifact(ARTIFACTS.server), ...addonIfBuilt()), [
    "--list-interval",
    "0.5",
  ]);
}, 60_000);

afterAll(async () => {
  await server?.stop();
  rmSync(out, { recursive: true, force: true });
  removeAloneFolders();
});

function addonIfBuilt(): string[] {
  return existsSync(artifact(ARTIFACTS.addon)) ? [artifact(ARTIFACTS.addon)] : [];
}

const HAS_REDIS = spawnSync("redis-server", ["--version"]).status === 0;
const target = () => `127.0.0.1:${server.port}`;

/** A user of the workspace's SDK on the bundled server, collecting the broadcasts it sees. */
async function listener(name: string): Promise<{ client: ChatClient; heard: string[] }> {
  const client = await connect({ host: "127.0.0.1", port: server.port, name });
  const heard: string[] = [];
  client.on("broadcast", ({ from, message }) => heard.push(`<${from}> ${message}`));
  return { client, heard };
}

async function until(predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("chat-server.mjs alone", () => {
  // The bundle carries the version its package.json had at build time (no file to read).
  it("answers INFO with the version of apps/server/package.json", async () => {
    const manifest = readFileSync(join(REPO_ROOT, "apps/server/package.json"), "utf8");
    const { version } = JSON.parse(manifest) as { version: string };
    const { client } = await listener("info-asker");
    try {
      const { serverVersion } = await client.info();
      expect(serverVersion).toBe(`chat-server/${version}`);
      expect(server.listening.version).toBe(version);
    } finally {
      await client.close();
    }
  });

  // CI builds the addon (CHAT_UDP_BATCH_REQUIRED); a machine without a compiler cannot.
  it.skipIf(!existsSync(ADDON_BUILD))(
    "loads the native addon beside it and says so in its startup line",
    () => {
      expect(server.listening.transport).toBe("native");
      expect(server.listening.transportWhy).toBe("auto: native addon loaded (recvmmsg/sendmmsg)");
    },
  );

  it("runs on node:dgram without the addon, and its startup line says why", async () => {
    const folder = alone(artifact(ARTIFACTS.server));
    const lone = await startBundledServer(folder);
    try {
      expect(lone.listening.transport).toBe("dgram");
      expect(lone.listening.transportWhy).toBe(
        `auto: native addon not built (no ${join(folder, ARTIFACTS.addon)})`,
      );
    } finally {
      await lone.stop();
    }
  });
});

// prom-client and ioredis are imported only when asked for: they must be in the bundle too.
describe("chat-server.mjs alone, with what it loads on demand", () => {
  it("serves Prometheus metrics (--metrics)", async () => {
    const lone = await startBundledServer(alone(artifact(ARTIFACTS.server)), [
      "--metrics",
      "127.0.0.1:0",
    ]);
    try {
      const metricsLine = await lone.logLine((line) => line.msg === "metrics listening");
      const response = await fetch(`http://127.0.0.1:${metricsLine.port}/metrics`);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain("process_cpu_user_seconds_total");
    } finally {
      await lone.stop();
    }
  });

  it.skipIf(!HAS_REDIS)("joins a cluster on a real Redis (--cluster)", async () => {
    const redis = await startRedis();
    try {
      const lone = await startBundledServer(alone(artifact(ARTIFACTS.server)), [
        "--cluster",
        redis.url,
      ]);
      try {
        await lone.logLine((line) => line.msg === "cluster joined");
      } finally {
        await lone.stop();
      }
    } finally {
      await redis.stop();
    }
  });
});

describe("chat.mjs alone", () => {
  const folder = () => alone(artifact(ARTIFACTS.client));

  it("--send delivers a broadcast to the bundled server", async () => {
    const { client, heard } = await listener("send-hearer");
    try {
      const sent = await run(
        process.execPath,
        ["chat.mjs", "--server", target(), "--name", "sender", "--send", "hello from a bundle"],
        { cwd: folder(), env: withoutChatVariables() },
      );
      expect(sent.stderr).toBe("");
      expect(sent.code).toBe(0);
      await until(() => heard.includes("<sender> hello from a bundle"));
    } finally {
      await client.close();
    }
  });

  it("--listen prints what is broadcast, as JSON lines", async () => {
    const heardIt = (stdout: string) => stdout.includes('"message":"anyone there?"');
    const listening = run(
      process.execPath,
      ["chat.mjs", "--server", target(), "--name", "json-listener", "--listen"],
      { cwd: folder(), env: withoutChatVariables(), timeoutMs: 20_000, until: heardIt },
    );
    const { client } = await listener("json-talker");
    // Broadcast until the listener has registered and heard one (then it is stopped).
    const broadcasting = setInterval(() => void client.broadcast("anyone there?"), 200);
    try {
      const { stdout } = await listening;
      const events = stdout.split("\n").filter((line) => line.startsWith("{"));
      expect(events.map((line) => JSON.parse(line))).toContainEqual(
        expect.objectContaining({
          event: "broadcast",
          from: "json-talker",
          message: "anyone there?",
        }),
      );
    } finally {
      clearInterval(broadcasting);
      await client.close();
    }
  });

  describe.skipIf(!HAS_TMUX)("in a terminal (tmux)", () => {
    const terminal = new Terminal();
    afterAll(() => terminal.kill());

    // No system has terminfo for this $TERM: blessed falls back to the xterm entry it
    // carries, which has to be inside the bundle.
    it("shows a broadcast, drawn with the terminfo blessed carries", async () => {
      terminal.start(
        "carol",
        folder(),
        [process.execPath, "chat.mjs", "--server", target(), "--name", "carol"],
        {
          TERM: "chat-no-such-terminal",
        },
      );
      await terminal.waitFor("carol", (screen) => screen.includes("You are carol."));
      const sent = await run(
        process.execPath,
        ["chat.mjs", "--server", target(), "--name", "dave", "--send", "hi carol"],
        { cwd: folder(), env: withoutChatVariables() },
      );
      expect(sent.code).toBe(0);
      await terminal.waitFor("carol", (screen) => /\d\d:\d\d <dave> hi carol/.test(screen));
    });
  });
});

describe("chat-conformance.mjs alone", () => {
  it("passes against the bundled server", async () => {
    const result = await run(
      process.execPath,
      // A reply may take 2 s (not 1) on a busy machine, as in the kit's own tests.
      ["chat-conformance.mjs", "--target", target(), "--list-interval", "0.5", "--timeout", "2000"],
      {
        cwd: alone(artifact(ARTIFACTS.conformance)),
        env: withoutChatVariables(),
        timeoutMs: 60_000,
      },
    );
    expect(result.stderr).toBe("");
    expect(result.stdout).toMatch(/\d+ passed, 0 failed/);
    expect(result.code).toBe(0);
  }, 90_000);
});

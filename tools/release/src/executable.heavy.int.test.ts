import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect } from "@chat/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ARTIFACTS, bundleAll } from "./bundle.js";
import { buildExecutable } from "./sea.js";
import {
  alone,
  type BundledServer,
  HAS_TMUX,
  removeAloneFolders,
  run,
  startBundledServer,
  Terminal,
} from "./test-support/alone.js";

/*
 * The single executable (`chat`): built once here (it copies the ~100 MB node binary, so
 * this file runs in the heavy lane, alone), then run from an empty folder with no Node.js
 * on its PATH, against the bundled server.
 */
const IS_LINUX_X64 = process.platform === "linux" && process.arch === "x64";
const out = mkdtempSync(join(tmpdir(), "chat-sea-dist-"));
let folder: string;
let executable: string;
let server: BundledServer;

describe.skipIf(!IS_LINUX_X64)("the single executable `chat` alone", () => {
  beforeAll(async () => {
    await bundleAll(out);
    // Written straight into its empty folder (a copy would move another 100 MB).
    folder = alone();
    executable = join(folder, ARTIFACTS.executable);
    await buildExecutable(join(out, ARTIFACTS.client), executable);
    server = await startBundledServer(alone(join(out, ARTIFACTS.server)));
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    rmSync(out, { recursive: true, force: true });
    removeAloneFolders();
  });

  const target = () => `127.0.0.1:${server.port}`;
  // No node on the PATH: the executable carries its own.
  const noNode = { PATH: "/nonexistent", LANG: "C.UTF-8" };

  it("is executable and prints its usage", async () => {
    expect(statSync(executable).mode & 0o111).not.toBe(0);
    const help = await run(executable, ["--help"], { cwd: folder, env: noNode });
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: chat /);
  });

  it("--send delivers to the bundled server", async () => {
    const client = await connect({ host: "127.0.0.1", port: server.port, name: "hearer" });
    const heard: string[] = [];
    client.on("broadcast", ({ from, message }) => heard.push(`<${from}> ${message}`));
    try {
      const sent = await run(
        executable,
        ["--server", target(), "--name", "sender", "--send", "from the executable"],
        { cwd: folder, env: noNode },
      );
      expect(sent.stderr).toBe("");
      expect(sent.code).toBe(0);
      const deadline = Date.now() + 10_000;
      while (!heard.includes("<sender> from the executable") && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(heard).toContain("<sender> from the executable");
    } finally {
      await client.close();
    }
  });

  it.skipIf(!HAS_TMUX)(
    "runs the chat screen in a terminal (tmux) and shows a broadcast",
    async () => {
      const terminal = new Terminal();
      try {
        terminal.start("fred", folder, [executable, "--server", target(), "--name", "fred"], {
          TERM: "xterm-256color",
        });
        await terminal.waitFor("fred", (screen) => screen.includes("You are fred."));
        const sent = await run(
          executable,
          ["--server", target(), "--name", "gina", "--send", "hi fred"],
          { cwd: folder, env: noNode },
        );
        expect(sent.code).toBe(0);
        await terminal.waitFor("fred", (screen) => /\d\d:\d\d <gina> hi fred/.test(screen));
      } finally {
        terminal.kill();
      }
    },
  );
});

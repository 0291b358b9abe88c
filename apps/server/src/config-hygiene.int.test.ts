import { afterAll, describe, expect, it } from "vitest";
import { type DaemonHandle, runServer, startDaemon } from "./testing/index.js";

const started: DaemonHandle[] = [];
afterAll(async () => {
  await Promise.all(started.map((daemon) => daemon.stop("SIGKILL")));
});

describe("config hygiene against the real daemon", () => {
  it("never prints a malformed --cluster URL's password (exit 2, one line)", async () => {
    for (const url of [
      "redis://chat:s3cret@host:notaport",
      "redis://:s3cret@",
      "redis://u:p/s3cret@h:x",
    ]) {
      const run = await runServer(["--cluster", url]);
      expect(run.code, url).toBe(2);
      expect(run.stdout + run.stderr, url).not.toContain("s3cret");
      expect(run.stderr, url).toMatch(
        /^chat-server: --cluster: ".*\*\*\*@.*" is not a valid URL\n$/,
      );
    }
  });

  it("warns of an unknown CHAT_* variable, naming the nearest one, and still starts", async () => {
    const daemon = await startDaemon({ env: { CHAT_MAXUSERS: "5" } });
    started.push(daemon);
    const line = await daemon.waitForLog((entry) => entry.msg === "setting ignored");
    expect(line).toMatchObject({
      level: 40,
      warning: "CHAT_MAXUSERS is not a setting (did you mean CHAT_MAX_USERS?)",
    });
  });

  it("refuses one with --strict-env: exit 2, nothing bound", async () => {
    const run = await runServer(["--strict-env"], { env: { CHAT_MAXUSERS: "5" } });
    expect(run).toMatchObject({ code: 2, stdout: "" });
    expect(run.stderr).toBe(
      "chat-server: CHAT_MAXUSERS is not a setting (did you mean CHAT_MAX_USERS?) (--strict-env)\n",
    );
  });

  it("names this node in the listening line (--node-name; default the host name)", async () => {
    const daemon = await startDaemon({ args: ["--node-name", "chat-a"] });
    started.push(daemon);
    expect(daemon.logs().find((line) => line.msg === "listening")).toMatchObject({
      node: "chat-a",
    });
  });
});

import { afterAll, describe, expect, it } from "vitest";
import { OPTIONS } from "./options.js";
import { type DaemonHandle, runServer, startDaemon } from "./testing/index.js";
import { VERSION } from "./version.js";

const started: DaemonHandle[] = [];
afterAll(async () => {
  await Promise.all(started.map((daemon) => daemon.stop("SIGKILL")));
});

async function start(options: Parameters<typeof startDaemon>[0]) {
  const daemon = await startDaemon(options);
  started.push(daemon);
  return daemon;
}

function listeningLine(daemon: DaemonHandle) {
  const line = daemon.logs().find((entry) => entry.msg === "listening");
  if (line === undefined) throw new Error("no listening line");
  return line;
}

describe("server command line", () => {
  it("logs one JSON listening line with the real address, port, version and settings", async () => {
    const daemon = await start({});
    const line = listeningLine(daemon);
    expect(line).toMatchObject({ level: 30, address: "127.0.0.1", version: VERSION });
    expect(line.port).toBe(daemon.port);
    expect(line.port).not.toBe(0);
    expect(line.settings).toMatchObject({
      userTimeoutMs: 90_000,
      listIntervalMs: 30_000,
      maxUsers: 10_000,
      rateLimit: true,
      version: VERSION,
    });
    expect(daemon.logs().filter((entry) => entry.msg === "listening")).toHaveLength(1);
  });

  it("--help lists every flag with its variable and default, and exits 0", async () => {
    const run = await runServer(["--", "--help"]);
    expect(run.code).toBe(0);
    for (const spec of OPTIONS) {
      expect(run.stdout).toContain(`--${spec.flag}`);
      expect(run.stdout).toContain(`${spec.env}, default`);
    }
    expect(run.stdout).toContain("--version");
    expect(run.stderr).toBe("");
  });

  it("--version prints the package version and exits 0", async () => {
    const run = await runServer(["--version"]);
    expect(run).toEqual({ code: 0, stdout: `chat-server ${VERSION}\n`, stderr: "" });
  });

  it.each([
    [["--frobnicate"], "unknown option --frobnicate"],
    [["--port", "99999"], "--port"],
    [["--user-timeout", "soon"], "--user-timeout"],
    [["--max-users", "0"], "--max-users"],
    [["--exempt-networks", "10.0.0.0/99"], "--exempt-networks"],
    [["--host", "example"], "--host"],
  ])("refuses %j with one line on stderr and exit code 2, before binding", async (args, text) => {
    const run = await runServer(["--host", "127.0.0.1", "--port", "0", ...args]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe(""); // no "listening" line: nothing was bound
    expect(run.stderr).toContain(text);
    expect(run.stderr.trimEnd().split("\n")).toHaveLength(1);
  });

  it("refuses a bad environment variable the same way, naming it", async () => {
    const run = await runServer(["--port", "0"], { env: { CHAT_LIST_INTERVAL: "often" } });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^chat-server: CHAT_LIST_INTERVAL: "often" is not a number/);
  });

  it("takes settings from CHAT_* variables, and a flag wins over its variable", async () => {
    const daemon = await start({
      args: ["--max-users", "5", "--user-timeout", "12"],
      env: {
        CHAT_MAX_USERS: "7",
        CHAT_USER_TIMEOUT: "40",
        CHAT_LIST_INTERVAL: "9",
        CHAT_MAX_MESSAGE: "300",
        CHAT_RATE_LIMIT: "false",
        CHAT_EXEMPT_NETWORKS: "",
      },
    });
    expect(listeningLine(daemon).settings).toMatchObject({
      maxUsers: 5,
      userTimeoutMs: 12_000,
      listIntervalMs: 9000,
      maxMessageBytes: 300,
      rateLimit: false,
      exemptNetworks: [],
    });
  });
});

import { jsonLine } from "@chat/client/cli";
import { HOSTILE_CHARACTERS, HOSTILE_TEXT, startHostileServer } from "@chat/client/testing";
import { type DaemonHandle, startDaemon } from "@chat/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, CliProcess, runCli } from "./test-support/cli.js";

describe("jsonLine", () => {
  it("writes one line of JSON", () => {
    expect(jsonLine({ event: "broadcast", from: "a", message: "x\ny" })).toBe(
      '{"event":"broadcast","from":"a","message":"x\\ny"}\n',
    );
  });

  it("escapes C1 controls, bidi overrides and line separators so a terminal cannot obey them", () => {
    const line = jsonLine({ message: "\u001b[2J\u009b31m\u202e\u2028" });
    expect(line).toBe('{"message":"\\u001b[2J\\u009b31m\\u202e\\u2028"}\n');
    expect(JSON.parse(line)).toEqual({ message: "\u001b[2J\u009b31m\u202e\u2028" });
  });
});

describe("the command line", () => {
  it("refuses a bad flag with one line and exit status 2", async () => {
    assertBuilt();
    const result = await runCli(["--bogus"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("chat: unknown option --bogus (see --help)\n");
  });

  it("refuses a bad --keepalive with one line and exit status 2", async () => {
    const result = await runCli(["--keepalive", "0"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "chat: --keepalive 0: must be a number of seconds from 0.1 to 86400\n",
    );
  });

  it("refuses to draw the chat screen without a terminal, pointing to the script modes", async () => {
    const result = await runCli(["--name", "nobody-here"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "chat: the chat screen needs a terminal; scripts can use --send or --listen\n",
    );
  });

  it("prints its usage for --help and exits 0", async () => {
    const result = await runCli(["--", "--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Usage: chat [--server HOST:PORT]");
  });
});

describe("scripting mode against the real server", () => {
  let daemon: DaemonHandle;
  let server: string;
  const listeners: CliProcess[] = [];

  beforeAll(async () => {
    assertBuilt();
    daemon = await startDaemon();
    server = `${daemon.host}:${daemon.port}`;
  });

  afterAll(async () => {
    for (const listener of listeners) listener.kill();
    await daemon?.stop();
  });

  function listen(name: string): CliProcess {
    const listener = new CliProcess(["--server", server, "--name", name, "--listen"]);
    listeners.push(listener);
    return listener;
  }

  it("--send exits 0 once the server confirmed the broadcast", async () => {
    const result = await runCli(["--server", server, "--name", "sender1", "--send", "hello"]);
    expect(result).toEqual({ code: 0, stdout: "", stderr: "" });
  });

  it("--send --to exits 1 with the server's reason when the receiver is unknown", async () => {
    const result = await runCli([
      "--server",
      server,
      "--name",
      "sender2",
      "--send",
      "hi",
      "--to",
      "nobody",
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("chat: not delivered (failed: user not found: nobody)\n");
  });

  it("--listen prints every event as a JSON line and logs out on SIGINT", async () => {
    const ears = listen("ears");
    await ears.waitForLine((line) => JSON.parse(line).state === "registered");

    const sent = await runCli([
      "--server",
      server,
      "--name",
      "mouth",
      "--send",
      "psst",
      "--to",
      "ears",
    ]);
    expect(sent.code).toBe(0);
    const privateLine = JSON.parse(
      await ears.waitForLine((line) => JSON.parse(line).event === "private"),
    );
    expect(privateLine).toMatchObject({ event: "private", from: "mouth", message: "psst" });

    await runCli(["--server", server, "--name", "mouth", "--send", "to all\u202e"]);
    const broadcast = await ears.waitForLine((line) => JSON.parse(line).event === "broadcast");
    expect(broadcast).toContain('"message":"to all\\u202e"');
    expect(JSON.parse(broadcast)).toMatchObject({ from: "mouth", self: false });

    // The name is taken while ears listens...
    const clash = await runCli(["--server", server, "--name", "ears", "--send", "x"]);
    expect(clash.code).toBe(1);
    expect(clash.stderr).toBe("chat: cannot register as ears: username is already present\n");

    // ...and free again once SIGINT made it log out.
    ears.child.kill("SIGINT");
    expect(await ears.exited).toBe(0);
    await daemon.waitForLog((line) => line.msg === "user left" && line.name === "ears");
    const again = await runCli(["--server", server, "--name", "ears", "--send", "back"]);
    expect(again.code).toBe(0);
  }, 30_000);
});

describe("scripting mode against a hostile server", () => {
  it("--send prints the server's ERROR texts escaped on stderr", async () => {
    assertBuilt();
    const hostile = await startHostileServer();
    try {
      const server = `${hostile.host}:${hostile.port}`;
      const refused = await runCli(["--server", server, "--name", "refuse-me", "--send", "x"]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).not.toMatch(HOSTILE_CHARACTERS);
      expect(refused.stderr).toMatch(
        /^chat: cannot register as refuse-me: \\x1b\]0;pwned\\x07\\x1b\[2J.*<U\+202E>evil<U\+2800><U\+3164>\n$/,
      );
      const sent = await runCli(["--server", server, "--name", "bob", "--send", "hi"]);
      expect(sent.code).toBe(1);
      expect(sent.stderr).not.toMatch(HOSTILE_CHARACTERS);
      expect(sent.stderr).toMatch(/^chat: not delivered \(failed: \\x1b\]0;pwned/);
      expect(sent.stdout).toBe("");
    } finally {
      await hostile.close();
    }
  });

  it("--listen writes what the server sends as JSON with every dangerous character escaped", async () => {
    const hostile = await startHostileServer();
    const ears = new CliProcess([
      "--server",
      `${hostile.host}:${hostile.port}`,
      "--name",
      "ears",
      "--listen",
    ]);
    try {
      const users = await ears.waitForLine((line) => JSON.parse(line).event === "users");
      expect(users).not.toMatch(HOSTILE_CHARACTERS);
      expect(users).toContain("\\u202eevil\\u2800\\u3164");
      // Escaped, not dropped: a script still reads the exact names.
      expect(JSON.stringify(JSON.parse(users))).toContain(
        JSON.stringify(HOSTILE_TEXT).slice(1, -1),
      );
      ears.child.kill("SIGINT");
      expect(await ears.exited).toBe(0);
      expect(ears.lines.join("\n")).not.toMatch(HOSTILE_CHARACTERS);
      expect(ears.stderr).not.toMatch(HOSTILE_CHARACTERS);
    } finally {
      ears.kill();
      await hostile.close();
    }
  });
});

import { type ChatClient, connect } from "@chat/client";
import { restartablePort, startDaemon } from "@chat/testkit";
import { afterAll, describe, expect, it, onTestFinished } from "vitest";
import { CLIENT_MAIN } from "./test-support/cli.js";
import { HAS_TMUX, Tmux, tmuxWithDaemon } from "./test-support/tmux.js";

/**
 * Waits for an observer to have read what it was sent: while a test polls tmux (a
 * synchronous child process) the observer's datagrams wait in its socket.
 */
async function heardAll(done: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error("the observer did not hear every line in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/*
 * Issue 24's "it loses what you send", against the real daemon with its default limits
 * (5 broadcasts/s, bursts of 20): a 25-line paste and a server that is not there yet.
 */
describe.skipIf(!HAS_TMUX)("the terminal client never loses a line", () => {
  const term = tmuxWithDaemon([]);
  const { tmux, server } = term;
  let observer: ChatClient | undefined;
  afterAll(async () => {
    await observer?.close();
  });

  it("a 25-line paste asks first, then arrives whole and in order at another client", async () => {
    observer = await connect({ host: term.daemon.host, port: term.daemon.port, name: "obs" });
    const heard: string[] = [];
    observer.on("broadcast", ({ from, message }) => {
      if (from === "paster") heard.push(message);
    });
    tmux.start("paster", ["node", CLIENT_MAIN, "--server", server(), "--name", "paster"]);
    onTestFinished(() => tmux.end("paster"));
    await tmux.waitFor("paster", (screen) => screen.includes("You are paster."));
    const lines = Array.from({ length: 25 }, (_, i) => `pasted line ${i + 1}`);
    tmux.paste("paster", `${lines.join("\n")}\n`);
    await tmux.waitFor("paster", (screen) => /^paste 25 lines\? \(y\/n\)/m.test(screen));
    expect(heard).toEqual([]);
    tmux.type("paster", "y");
    // Some wait in the queue and say so; all get their ✓ (20 at once, then 5 a second).
    await tmux.waitFor("paster", (screen) => screen.includes("⋯ queued"), 5_000);
    await tmux.waitFor("paster", (screen) => screen.includes("pasted line 25 ✓"), 15_000);
    const screen = tmux.capture("paster", true);
    expect(screen).not.toContain("rate limited");
    expect(screen).not.toContain("unconfirmed");
    await heardAll(() => heard.length >= 25);
    expect(heard).toEqual(lines);
  }, 40_000);

  it("a line over 1,024 bytes arrives in pieces instead of being refused", async () => {
    observer ??= await connect({ host: term.daemon.host, port: term.daemon.port, name: "obs" });
    const heard: string[] = [];
    observer.on("broadcast", ({ from, message }) => {
      if (from === "longer") heard.push(message);
    });
    tmux.start("longer", ["node", CLIENT_MAIN, "--server", server(), "--name", "longer"]);
    onTestFinished(() => tmux.end("longer"));
    await tmux.waitFor("longer", (screen) => screen.includes("You are longer."));
    const long = `${"word ".repeat(219)}end`; // 1,098 bytes
    tmux.type("longer", long, "Enter");
    await tmux.waitFor("longer", (screen) => (screen.match(/ ✓/g) ?? []).length === 2, 10_000);
    expect(tmux.capture("longer", true)).not.toContain("longer than 1024 bytes");
    await heardAll(() => heard.length >= 2);
    expect(heard.join("")).toBe(long);
  }, 30_000);
});

describe.skipIf(!HAS_TMUX)(
  "the terminal client and a server with a smaller largest message",
  () => {
    const term = tmuxWithDaemon(["--max-message", "100"]);
    const { tmux, server } = term;

    it("learns the limit from the refusal and sends the line again in pieces", async () => {
      const observer = await connect({
        host: term.daemon.host,
        port: term.daemon.port,
        name: "obs",
      });
      const heard: string[] = [];
      observer.on("broadcast", ({ from, message }) => {
        if (from === "small") heard.push(message);
      });
      try {
        tmux.start("small", ["node", CLIENT_MAIN, "--server", server(), "--name", "small"]);
        onTestFinished(() => tmux.end("small"));
        await tmux.waitFor("small", (screen) => screen.includes("You are small."));
        const line = `${"piece ".repeat(40)}end`; // 243 bytes
        tmux.type("small", line, "Enter");
        await tmux.waitFor("small", (screen) => screen.includes("sent again in pieces"), 10_000);
        await tmux.waitFor("small", (screen) => (screen.match(/ ✓/g) ?? []).length === 3, 10_000);
        await heardAll(() => heard.length >= 3);
        expect(heard.join("")).toBe(line);
      } finally {
        await observer.close();
      }
    }, 30_000);
  },
);

describe.skipIf(!HAS_TMUX)("the terminal client and a server stricter than the defaults", () => {
  // 2 broadcasts a second in bursts of 4: the client's defaults (5/s, bursts of 18) overrun it.
  const term = tmuxWithDaemon(["--broadcasts-per-second", "2", "--broadcast-burst", "4"]);
  const { tmux, server } = term;

  it("learns from `rate limited`, sends the refused and silently dropped lines again: all arrive", async () => {
    const observer = await connect({ host: term.daemon.host, port: term.daemon.port, name: "obs" });
    const heard: string[] = [];
    observer.on("broadcast", ({ from, message }) => {
      if (from === "eager") heard.push(message);
    });
    try {
      tmux.start("eager", ["node", CLIENT_MAIN, "--server", server(), "--name", "eager"]);
      onTestFinished(() => tmux.end("eager"));
      await tmux.waitFor("eager", (screen) => screen.includes("You are eager."));
      const lines = Array.from({ length: 10 }, (_, i) => `strict line ${i + 1}`);
      tmux.paste("eager", `${lines.join("\n")}\n`);
      await tmux.waitFor("eager", (screen) => /^paste 10 lines\?/m.test(screen));
      tmux.type("eager", "y");
      await heardAll(() => new Set(heard).size >= 10, 40_000);
      expect([...new Set(heard)].sort()).toEqual([...lines].sort());
    } finally {
      await observer.close();
    }
  }, 60_000);
});

describe.skipIf(!HAS_TMUX)("the terminal client's name: prompt", () => {
  const term = tmuxWithDaemon([]);
  const { tmux, server } = term;

  it("takes /quit as a command, not as a name to register", async () => {
    tmux.start("asker", ["node", CLIENT_MAIN, "--server", server()]);
    onTestFinished(() => tmux.end("asker"));
    await tmux.waitFor("asker", (screen) => /^name:/m.test(screen));
    tmux.type("asker", "/quit", "Enter");
    expect(await tmux.waitForExit("asker")).toBe(0);
    const probe = await connect({ host: term.daemon.host, port: term.daemon.port, name: "probe" });
    try {
      expect(await probe.list()).toEqual(["probe"]);
    } finally {
      await probe.close();
    }
  }, 30_000);
});

describe.skipIf(!HAS_TMUX)("the terminal client started before its server", () => {
  const tmux = new Tmux();
  let daemon: Awaited<ReturnType<typeof startDaemon>> | undefined;
  afterAll(async () => {
    tmux.kill();
    await daemon?.stop();
  });

  it("keeps trying with backoff, takes commands meanwhile, and registers once the server is up", async () => {
    const port = await restartablePort();
    tmux.start("early", ["node", CLIENT_MAIN, "--server", `127.0.0.1:${port}`, "--name", "early"]);
    await tmux.waitFor("early", (screen) => screen.includes("cannot reach the server"), 20_000);
    await tmux.waitFor("early", (screen) => /unreachable; trying again in \d+ s/.test(screen));
    tmux.type("early", "/help", "Enter");
    await tmux.waitFor("early", (screen) => screen.includes("/quit"));
    daemon = await startDaemon({ args: ["--port", String(port)] });
    await tmux.waitFor("early", (screen) => screen.includes("You are early."), 40_000);
    tmux.type("early", "", "C-c");
    expect(await tmux.waitForExit("early")).toBe(0);
  }, 70_000);
});

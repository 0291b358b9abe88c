import { type ChatClient, connect } from "@chat/client";
import { type LossyProxy, restartablePort, startDaemon, startLossyProxy } from "@chat/testkit";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { displayWidth } from "./app/width.js";
import { CLIENT_MAIN, runCli } from "./test-support/cli.js";
import { HAS_TMUX, tmuxWithDaemon } from "./test-support/tmux.js";

/** Resolves once `predicate` holds, checked every 20 ms; rejects after `timeoutMs`. */
async function until(predicate: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/*
 * The real client in real pseudo-terminals (tmux) against the real daemon: what a user
 * does, checked on what a user sees.
 */
/** A message with blessed tag syntax, a right-to-left override and wide characters. */
const HOSTILE = "{bold}prize\u202Etxt.exe 中文😀 ok";

// Without tmux there is no terminal to drive; every other test still runs.
describe.skipIf(!HAS_TMUX)("the terminal client end to end", () => {
  const term = tmuxWithDaemon(["--list-interval", "0.5"]);
  const { tmux, server } = term;
  const client = (session: string, ...args: string[]) =>
    tmux.start(session, ["node", CLIENT_MAIN, "--server", server(), ...args]);
  const usersPane = (screen: string) =>
    screen
      .split("\n")
      .map((line) => line.split("│ ")[1]?.trim())
      .filter((name): name is string => name !== undefined && name !== "");

  it("registers two users who chat, see each other, and see one leave", async () => {
    client("alice", "--name", "alice");
    client("bob");
    await tmux.waitFor("alice", (screen) => screen.includes("You are alice."));

    // Without --name the client asks; a taken name is refused with the server's reason.
    // (capture-pane drops trailing spaces, so the prompt "name: " reads "name:")
    await tmux.waitFor("bob", (screen) => /^name:/m.test(screen));
    tmux.type("bob", "alice", "Enter");
    await tmux.waitFor("bob", (screen) =>
      screen.includes("cannot register as alice: username is already present"),
    );
    tmux.type("bob", "bob", "Enter");
    await tmux.waitFor("bob", (screen) => screen.includes("You are bob."));

    // Each sees both names in the user list.
    await tmux.waitFor("alice", (screen) =>
      ["Users (2)", "alice", "bob"].every((n) => usersPane(screen).includes(n)),
    );
    await tmux.waitFor("bob", (screen) =>
      ["Users (2)", "alice", "bob"].every((n) => usersPane(screen).includes(n)),
    );

    // A broadcast reaches bob and is marked delivered for alice.
    tmux.type("alice", "hello from alice", "Enter");
    await tmux.waitFor("bob", (screen) => /\d\d:\d\d <alice> hello from alice/.test(screen));
    await tmux.waitFor("alice", (screen) => screen.includes("<alice> hello from alice ✓"));

    // A private message, with the receiver completed by Tab.
    tmux.type("bob", "/msg al", "Tab");
    await tmux.waitFor("bob", (screen) => /^> \/msg alice/m.test(screen));
    tmux.type("bob", " psst, just you", "Enter");
    // It opens window 2 on both sides; alice sees it in her activity list, then looks.
    await tmux.waitFor("alice", (screen) => screen.includes("[Act: 2]"));
    tmux.type("alice", "", "M-2");
    await tmux.waitFor("alice", (screen) => screen.includes("*bob* psst, just you"));
    tmux.type("bob", "", "M-2");
    await tmux.waitFor("bob", (screen) => screen.includes("-> *alice* psst, just you ✓"));
    tmux.type("alice", "", "M-1");
    tmux.type("bob", "", "M-1");
    await tmux.waitFor("bob", (screen) => screen.includes("[1:room]"));
    await tmux.waitFor("alice", (screen) => screen.includes("[1:room]"));

    // What others send cannot drive the terminal, and wide characters keep columns aligned.
    const sent = await runCli(["--server", server(), "--name", "mallory", "--send", HOSTILE]);
    expect(sent.code).toBe(0);
    const shown = await tmux.waitFor("alice", (screen) => screen.includes("<mallory>"));
    expect(shown).toContain("<mallory> {bold}prize<U+202E>txt.exe 中文😀 ok");
    // The terminal put "ok" where our width table says: emoji and CJK took two columns.
    const line = shown.split("\n").find((text) => text.includes("<mallory>")) as string;
    const expected = displayWidth("00:00 <mallory> {bold}prize<U+202E>txt.exe 中文😀");
    expect(displayWidth(line.slice(0, line.indexOf(" ok")))).toBe(expected);
    const borders = shown
      .split("\n")
      .filter((line) => line.includes("│"))
      .map((line) => displayWidth(line.slice(0, line.indexOf("│"))));
    expect(new Set(borders)).toEqual(new Set([120 - 12]));

    // bob quits: his client exits 0, and alice's list drops him.
    tmux.type("bob", "/quit", "Enter");
    expect(await tmux.waitForExit("bob")).toBe(0);
    // (A lone leave is said once one more list shows it is not half of a rename.)
    await tmux.waitFor(
      "alice",
      // (mallory's leave may be confirmed by the same list: "bob and mallory left")
      (screen) =>
        usersPane(screen).join() === "Users (1),alice" &&
        /-!- (\S+ and )?bob( and \S+)? left/.test(screen),
    );

    // Ctrl-C leaves like /quit.
    tmux.type("alice", "", "C-c");
    expect(await tmux.waitForExit("alice")).toBe(0);
  }, 60_000);

  it("logs out when its terminal goes away", async () => {
    client("carl", "--name", "carl");
    await tmux.waitFor("carl", (screen) => screen.includes("You are carl."));
    tmux.run("kill-session", "-t", "carl"); // as when the window is closed: SIGHUP
    const left = await term.daemon.waitForLog(
      (line) => line.msg === "user left" && line.name === "carl",
    );
    expect(left).toBeDefined();
  }, 20_000);
});

// Protocol revision 2: a client whose server expired it during an outage is never a zombie.
describe.skipIf(!HAS_TMUX)("the terminal client after an outage", () => {
  // The server restarts on its port: one below the ephemeral range, so nothing takes it.
  const term = tmuxWithDaemon(async () => [
    ...["--port", String(await restartablePort()), "--user-timeout", "3", "--list-interval", "0"],
  ]);
  const { tmux } = term;
  let relay: LossyProxy;
  let observer: ChatClient | undefined;

  beforeAll(async () => {
    relay = await startLossyProxy({ target: term.daemon });
  });

  // Runs before the fixture's afterAll (hooks after a test unwind in reverse order).
  afterAll(async () => {
    await observer?.close();
    await relay?.close();
  });

  it("registers again within one keep-alive, says why in one line, and shows the next broadcast", async () => {
    const relayed = `${relay.host}:${relay.port}`;
    tmux.start("kai", [
      "node",
      CLIENT_MAIN,
      "--server",
      relayed,
      "--name",
      "kai",
      "--keepalive",
      "2",
    ]);
    await tmux.waitFor("kai", (screen) => screen.includes("You are kai."));
    // Even if this test fails, kai must not be left registered for the next one.
    onTestFinished(() => tmux.end("kai"));
    observer = await connect({
      host: term.daemon.host,
      port: term.daemon.port,
      name: "obs",
      keepAliveMs: 1_000,
    });

    // The relay drops everything until the server has expired kai (fewer than 3 keep-alives).
    relay.setLoss({ drop: 1 });
    await term.daemon.waitForLog(
      (line) => line.msg === "user timed out" && line.name === "kai",
      10_000,
    );
    expect(await observer.list()).not.toContain("kai");
    relay.setLoss({ drop: 0 });

    const back = await tmux.waitFor("kai", (screen) => screen.includes("registered again"), 4_000);
    // Mostly its keep-alive finds out. On a loaded machine the retry of the LIST it sent after
    // "You are kai." can reach the server first, just after it forgot kai, and is answered
    // "not registered" before the unanswered keep-alive is counted as missed.
    expect(back).toMatch(
      /-!- registered again as kai \((the server had forgotten us after [12] unanswered keep-alives?|the server had forgotten us \(it answered "not registered"\))\)/,
    );
    expect(back.match(/registered again/g)).toHaveLength(1);
    expect(back).not.toContain("connection lost");
    expect(await observer.list()).toContain("kai");
    expect(await observer.broadcast("welcome back, kai")).toEqual({ status: "delivered" });
    await tmux.waitFor("kai", (screen) => /\d\d:\d\d <obs> welcome back, kai/.test(screen));

    tmux.type("kai", "", "C-c");
    expect(await tmux.waitForExit("kai")).toBe(0);
  }, 40_000);

  it("does the same after the server crashed and restarted on the same port", async () => {
    const relayed = `${relay.host}:${relay.port}`;
    tmux.start("rex", [
      "node",
      CLIENT_MAIN,
      "--server",
      relayed,
      "--name",
      "rex",
      "--keepalive",
      "2",
    ]);
    await tmux.waitFor("rex", (screen) => screen.includes("You are rex."));
    await observer?.close();
    const port = term.daemon.port;
    await term.daemon.stop("SIGKILL"); // no notice
    // A keep-alive goes out while no server listens (the relay is the only one to see it).
    const heard = relay.stats.received;
    await until(() => relay.stats.received > heard, 5_000);
    term.daemon = await startDaemon({
      args: ["--port", String(port), "--user-timeout", "3", "--list-interval", "0"],
    });

    // Within one keep-alive of the new server. The reason depends on what reached the new
    // server first: a keep-alive it did not know, the retry of the LIST sent just after
    // "You are rex." (answered "not registered"), or, on a machine so loaded that the new
    // server took 3 keep-alives to start, the client had counted the server lost. Either
    // way, one line with the reason, and no error line for the LIST nobody typed.
    const back = await tmux.waitFor("rex", (screen) => screen.includes("registered again"), 10_000);
    expect(back).toMatch(
      /-!- registered again as rex \((the server had forgotten us after [12] unanswered keep-alives?|the server had forgotten us \(it answered "not registered"\)|the server answers again after \d+ keep-alives unanswered)\)/,
    );
    expect(back.match(/registered again/g)).toHaveLength(1);
    expect(back).not.toContain("/who:");
    observer = await connect({ host: term.daemon.host, port, name: "obs2", keepAliveMs: 1_000 });
    expect(await observer.list()).toEqual(["rex", "obs2"]);
    expect(await observer.broadcast("hello again, rex")).toEqual({ status: "delivered" });
    await tmux.waitFor("rex", (screen) => /\d\d:\d\d <obs2> hello again, rex/.test(screen));

    tmux.type("rex", "", "C-c");
    expect(await tmux.waitForExit("rex")).toBe(0);
  }, 40_000);
});

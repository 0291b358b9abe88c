import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CLIENT_MAIN } from "./test-support/cli.js";
import { HAS_TMUX, tmuxWithDaemon } from "./test-support/tmux.js";

/*
 * Conversation windows, /nick and a client that remembers: two real clients in tmux
 * against the real daemon, each with its own temporary HOME and XDG directories.
 */
describe.skipIf(!HAS_TMUX)("the terminal client's windows end to end", () => {
  const { tmux, server } = tmuxWithDaemon(["--list-interval", "0.5"]);
  const statusLine = (screen: string) =>
    screen.split("\n").find((line) => line.startsWith(" [")) ?? "";
  const inputLine = (screen: string) =>
    screen
      .split("\n")
      .filter((line) => line.startsWith(">"))
      .at(-1) ?? "";

  it("holds a private conversation in its own window on both sides, with /nick and history across runs", async () => {
    // alice's config.json names the server and her: a bare start joins without asking.
    const aliceHome = tmux.homeOf("alice");
    mkdirSync(join(aliceHome.XDG_CONFIG_HOME, "chat-udp"), { recursive: true });
    writeFileSync(
      join(aliceHome.XDG_CONFIG_HOME, "chat-udp", "config.json"),
      JSON.stringify({ server: server(), name: "alice" }),
    );
    tmux.start("alice", ["node", CLIENT_MAIN], { env: aliceHome });
    tmux.start("bob", ["node", CLIENT_MAIN, "--server", server(), "--name", "bob"]);
    await tmux.waitFor("alice", (screen) => screen.includes("You are alice."));
    await tmux.waitFor("bob", (screen) => screen.includes("You are bob."));
    await tmux.waitFor("alice", (screen) => screen.includes("[2 users]"));

    // alice writes to bob from the room: she stays in 1, where the line is echoed with its
    // ✓, and it is filed in her window 2, which enters her activity list.
    tmux.type("alice", "/msg bob are you there?", "Enter");
    await tmux.waitFor(
      "alice",
      (screen) =>
        inputLine(screen).trim() === ">" &&
        statusLine(screen).includes("[1:room]") &&
        statusLine(screen).includes("[Act: 2]") &&
        screen.includes("-> *bob* are you there? ✓"),
    );
    // bob, in the room, sees window 2 in his activity list, not the message itself.
    const bobRoom = await tmux.waitFor("bob", (screen) => statusLine(screen).includes("[Act: 2]"));
    expect(bobRoom).not.toContain("are you there?");

    // Alt+2: bob's query window with alice; the nick list shows her alone.
    tmux.type("bob", "", "M-2");
    const bobQuery = await tmux.waitFor(
      "bob",
      (screen) =>
        screen.includes("*alice* are you there?") && statusLine(screen).includes("[2:alice]"),
    );
    expect(statusLine(bobQuery)).not.toContain("Act");
    expect(bobQuery).toMatch(/│ Query\s*\n.*│ alice/);
    // Plain text in a query goes to that user only.
    tmux.type("bob", "yes, just us", "Enter");
    await tmux.waitFor("bob", (screen) => screen.includes("-> *alice* yes, just us ✓"));

    // (A capture can land halfway through a redraw: each wait asks for the whole picture.)
    tmux.type("alice", "", "M-2");
    const aliceQuery = await tmux.waitFor(
      "alice",
      (screen) => screen.includes("*bob* yes, just us") && statusLine(screen).includes("[2:bob]"),
    );
    expect(aliceQuery).toContain("-> *bob* are you there? ✓");

    // While alice looks at window 2, the room has news: [Act: 1]; Alt+1 shows it.
    tmux.type("bob", "", "M-1");
    await tmux.waitFor("bob", (screen) => statusLine(screen).includes("[1:room]"));
    tmux.type("bob", "news for the room", "Enter");
    await tmux.waitFor("alice", (screen) => statusLine(screen).includes("[Act: 1]"));
    tmux.type("alice", "", "M-1");
    const back = await tmux.waitFor(
      "alice",
      (screen) =>
        screen.includes("<bob> news for the room") && statusLine(screen).includes("[1:room]"),
    );
    expect(statusLine(back)).not.toContain("Act");

    // /nick: bob becomes robert; alice's list follows.
    tmux.type("bob", "/nick robert", "Enter");
    await tmux.waitFor(
      "bob",
      (screen) => screen.includes("You are now robert.") && statusLine(screen).includes("[robert]"),
    );
    await tmux.waitFor("alice", (screen) => /│ robert/.test(screen) && !/│ bob\b/.test(screen));

    tmux.type("alice", "/quit", "Enter");
    expect(await tmux.waitForExit("alice")).toBe(0);
    const historyFile = join(aliceHome.XDG_STATE_HOME, "chat-udp", "history");
    expect(statSync(historyFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(historyFile, "utf8")).toContain("\t/msg bob are you there?\n");

    // A second run of alice has the first run's history: Up, Up.
    tmux.start("alice-again", ["node", CLIENT_MAIN], { env: aliceHome });
    await tmux.waitFor("alice-again", (screen) => screen.includes("You are alice."));
    // The first Up recalls what she typed last time, not her own name.
    tmux.type("alice-again", "", "Up");
    await tmux.waitFor("alice-again", (screen) => inputLine(screen).startsWith("> /quit"));
    tmux.type("alice-again", "", "Up");
    await tmux.waitFor("alice-again", (screen) =>
      inputLine(screen).startsWith("> /msg bob are you there?"),
    );
    tmux.type("alice-again", "", "C-u", "C-c");
    expect(await tmux.waitForExit("alice-again")).toBe(0);
    tmux.type("bob", "", "C-c");
    expect(await tmux.waitForExit("bob")).toBe(0);
  }, 60_000);
});

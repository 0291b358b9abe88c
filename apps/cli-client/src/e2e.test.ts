import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type DaemonHandle, startDaemon } from "@chat/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HAS_TMUX, Tmux } from "./test-support/tmux.js";

/*
 * The real client in real pseudo-terminals (tmux) against the real daemon: what a user
 * does, checked on what a user sees.
 */
const MAIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));

// Without tmux there is no terminal to drive; every other test still runs.
describe.skipIf(!HAS_TMUX)("the terminal client end to end", () => {
  const tmux = new Tmux();
  let daemon: DaemonHandle;

  beforeAll(async () => {
    if (!existsSync(MAIN))
      throw new Error(`${MAIN} is missing: run pnpm turbo run build --filter=cli-client...`);
    daemon = await startDaemon({ args: ["--list-interval", "0.5"] });
  });

  afterAll(async () => {
    tmux.kill();
    await daemon?.stop();
  });

  const client = (session: string, ...args: string[]) =>
    tmux.start(session, ["node", MAIN, "--server", `${daemon.host}:${daemon.port}`, ...args]);
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
    const alice = await tmux.waitFor("alice", (screen) => screen.includes("*bob* psst, just you"));
    expect(alice).toContain("[1 unread private]");
    await tmux.waitFor("bob", (screen) => screen.includes("-> *alice* psst, just you ✓"));

    // bob quits: his client exits 0, and alice's list drops him.
    tmux.type("bob", "/quit", "Enter");
    expect(await tmux.waitForExit("bob")).toBe(0);
    const after = await tmux.waitFor("alice", (screen) => !usersPane(screen).includes("bob"));
    expect(after).toContain("bob left");
    expect(usersPane(after)).toContain("Users (1)");

    // Ctrl-C leaves like /quit.
    tmux.type("alice", "", "C-c");
    expect(await tmux.waitForExit("alice")).toBe(0);
  }, 60_000);
});

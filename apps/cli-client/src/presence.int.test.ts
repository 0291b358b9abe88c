import { type ChatClient, connect } from "@chat/client";
import { afterAll, describe, expect, it } from "vitest";
import { CLIENT_MAIN } from "./test-support/cli.js";
import { HAS_TMUX, tmuxWithDaemon } from "./test-support/tmux.js";

/** How many guests the join lines name or count: "guest01, guest02 and 38 others joined". */
function guestsAnnounced(screen: string): number {
  let total = 0;
  for (const row of screen.split("\n")) {
    const line = row.split("│")[0] as string; // the log, not the user list beside it
    if (!/-!- guest\d\d.* joined/.test(line)) continue;
    total +=
      (line.match(/guest\d\d/g) ?? []).length + Number(/and (\d+) others/.exec(line)?.[1] ?? 0);
  }
  return total;
}

/*
 * Presence without the server's list push (--list-interval 0): every join, leave and
 * rename the client shows here it learnt by asking LIST itself, when a keep-alive came
 * back or when a name it did not know spoke.
 */
describe.skipIf(!HAS_TMUX)("the terminal client's presence lines", () => {
  const term = tmuxWithDaemon(["--list-interval", "0"]);
  const { tmux, server } = term;
  const others: ChatClient[] = [];
  const join = async (name: string) => {
    const client = await connect({ host: term.daemon.host, port: term.daemon.port, name });
    others.push(client);
    return client;
  };
  afterAll(async () => {
    await Promise.all(others.map((client) => client.close()));
  });

  it("names joiners, leavers and a rename promptly, with no list push at all", async () => {
    tmux.start("watcher", [
      "node",
      CLIENT_MAIN,
      ...["--server", server(), "--name", "watcher", "--keepalive", "1"],
    ]);
    await tmux.waitFor("watcher", (screen) => screen.includes("You are watcher."));

    // A silent join shows within one keep-alive (1 s here): measured, not asserted.
    const joinedAt = performance.now();
    await join("quiet");
    await tmux.waitFor("watcher", (screen) => screen.includes("-!- quiet joined"), 10_000);
    console.log(
      `join shown ${Math.round(performance.now() - joinedAt)} ms after REGISTER (keep-alive 1 s, no list push)`,
    );

    // Someone who speaks first is announced before their line.
    const talker = await join("talker");
    await talker.broadcast("hello, I just came");
    const spoke = await tmux.waitFor("watcher", (screen) => screen.includes("<talker> hello"));
    expect(spoke.indexOf("-!- talker joined")).toBeGreaterThan(-1);
    expect(spoke.indexOf("-!- talker joined")).toBeLessThan(spoke.indexOf("<talker> hello"));

    // A LOGOUT and REGISTER from one client (/nick) is shown as a rename.
    await talker.rename("speaker");
    await tmux.waitFor(
      "watcher",
      (screen) => screen.includes("talker is now known as speaker"),
      10_000,
    );

    // Forty arrivals at once: named in part, counted for the rest.
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => join(`guest${String(i).padStart(2, "0")}`)),
    );
    // (Should a keep-alive's LIST fall amid the forty, they come in two lines: counted.)
    await tmux.waitFor("watcher", (screen) => guestsAnnounced(screen) === 40, 10_000);
    const crowd = tmux.capture("watcher");
    expect(crowd).toMatch(/-!- guest\d\d, guest\d\d and \d+ others joined/);

    await (others.shift() as ChatClient).close(); // quiet logs out
    await tmux.waitFor("watcher", (screen) => screen.includes("-!- quiet left"), 10_000);

    tmux.type("watcher", "", "C-c");
    expect(await tmux.waitForExit("watcher")).toBe(0);
  }, 60_000);
});

import { describe, expect, it, onTestFinished } from "vitest";
import { CLIENT_MAIN } from "./test-support/cli.js";
import { HAS_TMUX, tmuxWithDaemon } from "./test-support/tmux.js";

/*
 * Colours as a terminal shows them: the client runs under each TERM in a real tmux pane,
 * and capture-pane -e gives back the SGR codes of every cell.
 */

/** Every SGR parameter list on the screen, e.g. "38;5;245" or "1;31". */
const sgrs = (screen: string) =>
  [...screen.matchAll(/\x1b\[([0-9;]*)m/g)].map((m) => m[1] as string);
/** Black text: colour 0 as a foreground (30, or 38;5;0), alone or among other parameters. */
const blackText = (sgr: string) => /(^|;)30(;|$)|(^|;)38;5;0(;|$)/.test(sgr);
/** JavaScript from blessed's terminfo compiler, once left behind the alternate screen. */
const COMPILER_DUMP = /Error on |out\.push|return out/;

describe.skipIf(!HAS_TMUX)("the terminal client's colours under each TERM", () => {
  const term = tmuxWithDaemon([]);
  const { tmux, server } = term;

  const cases = [
    { term: "tmux-256color", colours: 256 },
    { term: "screen-256color", colours: 256 },
    { term: "xterm-256color", colours: 256 },
    { term: "linux", colours: 8 },
  ] as const;

  for (const { term: TERM, colours } of cases) {
    it(`TERM=${TERM}: ${colours} colours, visible greys, nothing left after quitting`, async () => {
      const session = `c-${TERM.replace(/[^a-z0-9]/g, "")}`;
      tmux.start(session, ["node", CLIENT_MAIN, "--server", server(), "--name", session], {
        term: TERM,
      });
      onTestFinished(() => tmux.end(session));
      await tmux.waitFor(session, (screen) => screen.includes(`You are ${session}.`));
      await tmux.waitFor(session, (screen) => screen.includes("Users (1)"));
      const codes = sgrs(tmux.captureEscapes(session));
      expect(codes.filter(blackText)).toEqual([]);
      if (colours === 256) {
        // The timestamps and the user list's bar: grey from the 256-colour ramp.
        expect(codes).toContain("38;5;245");
      } else {
        expect(codes.some((sgr) => sgr.includes("38;5;"))).toBe(false);
        expect(codes.some((sgr) => /(^|;)90(;|$)/.test(sgr))).toBe(false);
      }
      tmux.type(session, "", "C-c");
      expect(await tmux.waitForExit(session)).toBe(0);
      expect(tmux.capture(session, true)).not.toMatch(COMPILER_DUMP);
    }, 30_000);
  }
});

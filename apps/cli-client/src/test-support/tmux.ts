import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type DaemonHandle, startDaemon } from "@chat/testkit";
import { afterAll, beforeAll } from "vitest";
import { assertBuilt } from "./cli.js";

/** A user's home and XDG directories, as environment variables. */
export interface UserDirs {
  HOME: string;
  XDG_CONFIG_HOME: string;
  XDG_STATE_HOME: string;
  XDG_DATA_HOME: string;
}

export const HAS_TMUX = spawnSync("tmux", ["-V"]).status === 0;

/*
 * Sessions end by themselves even if the test runner is killed before it can clean up:
 * the client is stopped after LIFETIME_S, and its pane closes LINGER_S after it exits
 * (long enough to read its exit status); the tmux server exits with its last session.
 */
const LIFETIME_S = 120;
const LINGER_S = 5;

/**
 * A private tmux server (its own socket, no user config) holding real pseudo-terminals,
 * for driving the client as a user would and reading the screen back.
 */
export class Tmux {
  readonly socket = `chat-e2e-${process.pid}-${Date.now().toString(36)}`;
  /** Every client's HOME and XDG directories live under here, never in the real home. */
  readonly root = mkdtempSync(join(tmpdir(), "chat-e2e-home-"));

  /**
   * HOME and XDG_CONFIG_HOME, XDG_STATE_HOME, XDG_DATA_HOME of one user: a fresh temporary
   * home per user, the same one again for a second run of the same user.
   */
  homeOf(user: string): UserDirs {
    const home = join(this.root, user);
    const env = {
      HOME: home,
      XDG_CONFIG_HOME: join(home, "config"),
      XDG_STATE_HOME: join(home, "state"),
      XDG_DATA_HOME: join(home, "data"),
    };
    for (const dir of Object.values(env)) mkdirSync(dir, { recursive: true });
    return env;
  }

  run(...args: string[]): string {
    return execFileSync("tmux", ["-u", "-L", this.socket, "-f", "/dev/null", ...args], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
  }

  /**
   * Starts `command` in a new detached session of a fixed size. A shell runs it and prints
   * its exit status in the pane afterwards (tmux itself does not always reap the status of
   * a pane's process in time to report it).
   */
  start(
    session: string,
    command: string[],
    {
      columns = 120,
      rows = 30,
      env = this.homeOf(session),
      term = "xterm-256color",
    }: { columns?: number; rows?: number; env?: UserDirs; term?: string } = {},
  ): void {
    const variables = Object.entries(env).flatMap(([name, value]) => ["-e", `${name}=${value}`]);
    this.run(
      "new-session",
      "-d",
      "-s",
      session,
      "-x",
      String(columns),
      "-y",
      String(rows),
      "-e",
      "LANG=C.UTF-8",
      ...variables,
      "sh",
      "-c",
      `timeout --foreground ${LIFETIME_S} "$@"; echo "[exited with status $?]"; sleep ${LINGER_S}`,
      "sh",
      // tmux sets a pane's TERM to its default-terminal whatever -e says: set it here.
      "env",
      `TERM=${term}`,
      ...command,
    );
  }

  /** Types text literally (no key names), then optional keys such as "Enter" or "Tab". */
  type(session: string, text: string, ...keys: string[]): void {
    if (text !== "") this.run("send-keys", "-t", session, "-l", text);
    if (keys.length > 0) this.run("send-keys", "-t", session, ...keys);
  }

  /** Pastes text as a terminal does (one write, line feeds as Enter), through a tmux buffer. */
  paste(session: string, text: string): void {
    this.run("set-buffer", "-b", "paste", text);
    this.run("paste-buffer", "-d", "-b", "paste", "-t", session);
  }

  /** The visible screen with its colours and attributes as escape codes (capture-pane -e). */
  captureEscapes(session: string): string {
    return this.run("capture-pane", "-p", "-e", "-t", session);
  }

  /** The visible screen; with `history`, also the lines scrolled off the top. */
  capture(session: string, history = false): string {
    return this.run("capture-pane", "-p", "-t", session, ...(history ? ["-S", "-"] : []));
  }

  /**
   * Waits for the command started in the pane to exit; its exit status. (tmux scrolls the
   * status line off the screen when it writes "Pane is dead", so history is searched too.)
   */
  async waitForExit(session: string, timeoutMs = 5_000): Promise<number> {
    const exited = (text: string) => /\[exited with status \d+\]/.test(text);
    const screen = await this.waitFor(session, exited, timeoutMs, true);
    return Number(/\[exited with status (\d+)\]/.exec(screen)?.[1]);
  }

  /** Polls the screen until `predicate` holds; fails with the last screen after `timeoutMs`. */
  async waitFor(
    session: string,
    predicate: (screen: string) => boolean,
    timeoutMs = 10_000,
    history = false,
  ): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let screen = "";
    for (;;) {
      screen = this.capture(session, history);
      if (predicate(screen)) return screen;
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting on tmux session ${session}; screen was:\n${screen}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Closes a session if it is still there (its client gets SIGHUP, as from a closed window). */
  end(session: string): void {
    spawnSync("tmux", ["-L", this.socket, "kill-session", "-t", session], { stdio: "ignore" });
  }

  kill(): void {
    spawnSync("tmux", ["-L", this.socket, "kill-server"], { stdio: "ignore" });
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** A private tmux server and the real daemon for the tests of one describe block. */
export interface TmuxWithDaemon {
  readonly tmux: Tmux;
  /** Set before the first test; a test that restarts the server puts the new one here. */
  daemon: DaemonHandle;
  /** The daemon's address as `--server` takes it. */
  server(): string;
}

/**
 * Installs beforeAll/afterAll: checks the client is built and starts the daemon with
 * `daemonArgs` (computed then, if a function: a port from `restartablePort()`, say);
 * afterwards kills the tmux server (its clients with it) and stops the daemon.
 */
export function tmuxWithDaemon(
  daemonArgs: readonly string[] | (() => Promise<readonly string[]>),
): TmuxWithDaemon {
  const fixture = {
    tmux: new Tmux(),
    server: () => `${fixture.daemon.host}:${fixture.daemon.port}`,
  } as TmuxWithDaemon;
  beforeAll(async () => {
    assertBuilt();
    const args = typeof daemonArgs === "function" ? await daemonArgs() : daemonArgs;
    fixture.daemon = await startDaemon({ args });
  });
  afterAll(async () => {
    fixture.tmux.kill();
    await fixture.daemon?.stop();
  });
  return fixture;
}

import { parseCommand } from "./commands.js";
import { type ChatConnection, reasonOf } from "./connection.js";
import { type Delivery, type LogEntry, mentions } from "./format.js";
import { helpLines } from "./help.js";
import { formatRtt } from "./panes.js";
import { Roster } from "./roster.js";

export type Phase = "naming" | "registering" | "chat" | "quitting" | "closed";

/** How the session reaches the log and the screen. */
export interface SessionHooks {
  now: () => Date;
  add: (entry: LogEntry) => number;
  update: (id: number, delivery: Delivery, error: string | undefined) => void;
  clear: () => void;
  bell: () => void;
  changed: () => void;
  exit: (code: number) => void;
}

/** How long /quit waits for the server's OK to LOGOUT before leaving anyway. */
export const QUIT_WAIT_MS = 1_000;
/** More joins or leaves than this in one list are summed up in one line. */
const CHANGES_LISTED = 5;

const seconds = (ms: number) => `${Number((ms / 1000).toFixed(1))} s`;

/** The server forgot us between keep-alives: say so once, and what to do about it. */
export function keepAliveWarning(keepAliveMs: number, forgottenAfterMs: number): string {
  const suggested = Math.max(0.1, Math.floor(forgottenAfterMs / 200) / 10);
  return (
    `the server forgot you ${seconds(forgottenAfterMs)} after confirming your name, though ` +
    `no keep-alive was missed: its user timeout looks shorter than the keep-alive ` +
    `(${seconds(keepAliveMs)}), unless it restarted. Try a shorter --keepalive, e.g. ` +
    `--keepalive ${suggested}.`
  );
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * The chat session: registration, commands, and what the client's events mean for the
 * log, the user list and the status line.
 */
export class Session {
  phase: Phase = "naming";
  readonly roster = new Roster();
  rttMs: number | undefined;
  unreadPrivate = 0;
  /** Who sent the last private message: Tab on an empty line replies to them. */
  lastPrivateFrom: string | undefined;
  problem: string | undefined;
  #listed = false;
  /** The name we last held, to say which one the server would not give back. */
  #heldName: string | undefined;

  constructor(
    readonly client: ChatConnection,
    readonly hooks: SessionHooks,
    readonly server: string,
  ) {}

  get name(): string | undefined {
    return this.client.name;
  }

  get registered(): boolean {
    return this.client.name !== undefined;
  }

  now(): Date {
    return this.hooks.now();
  }

  notice(text: string, level: "info" | "error" = "info"): void {
    this.hooks.add({ kind: "notice", at: this.now(), text, level });
  }

  start(name: string | undefined): void {
    const client = this.client;
    client.on("broadcast", ({ from, message, self }) => {
      if (self) return; // shown when sent, and marked delivered by broadcast()'s result
      this.#seen(from);
      const mention = mentions(message, this.name);
      this.hooks.add({ kind: "broadcast", at: this.now(), from, text: message, mention });
      if (mention) this.hooks.bell();
    });
    client.on("private", ({ from, message }) => {
      this.#seen(from);
      this.lastPrivateFrom = from;
      this.unreadPrivate++;
      this.hooks.add({
        kind: "private",
        at: this.now(),
        direction: "in",
        peer: from,
        text: message,
      });
      this.hooks.bell();
    });
    client.on("users", ({ names }) => this.#setUsers(names));
    client.on("rtt", ({ ms }) => {
      this.rttMs = ms;
      this.hooks.changed();
    });
    client.on("error", ({ text }) => this.notice(`server: ${text}`, "error"));
    client.on("shutdown", () => this.notice("the server is shutting down", "error"));
    client.on("keepAliveTooLong", ({ keepAliveMs, forgottenAfterMs }) =>
      this.notice(keepAliveWarning(keepAliveMs, forgottenAfterMs), "error"),
    );
    client.on("connection", ({ state, reason }) => {
      if (this.phase === "quitting" || this.phase === "closed") return;
      if (state === "lost") {
        // One line when trouble starts; later failed attempts only update the status line.
        const firstLoss = this.problem === undefined;
        this.problem = `lost${reason ? `: ${reason}` : ""}`;
        if (firstLoss) {
          this.notice(
            `connection lost${reason ? ` (${reason})` : ""}; will register again`,
            "error",
          );
        } else this.hooks.changed();
      } else if (state === "reregistering") {
        this.problem = "registering again…";
        this.hooks.changed();
      } else if (state === "reregistered") {
        this.problem = undefined;
        this.notice(`registered again as ${this.name ?? "?"}${reason ? ` (${reason})` : ""}`);
        void this.#who(false); // who came and went meanwhile
      } else if (state === "refused") {
        this.#nameLost(reason ?? "refused");
      }
    });
    this.notice(`CHAT UDP client: server ${this.server}. Type /help for commands and keys.`);
    if (name === undefined) this.notice("Choose a name and press Enter.");
    else void this.register(name);
  }

  async register(name: string): Promise<void> {
    this.phase = "registering";
    this.notice(`Registering as ${name}…`);
    try {
      await this.client.register(name);
    } catch (error) {
      if (this.phase !== "registering") return;
      this.phase = "naming";
      this.notice(`cannot register as ${name}: ${reasonOf(error)}`, "error");
      this.notice("Choose a name and press Enter (Up recalls the last one).");
      return;
    }
    if (this.phase !== "registering") return;
    this.phase = "chat";
    this.#heldName = this.name ?? name;
    this.notice(`You are ${this.#heldName}.`);
    // Fill the user list and the round-trip time at once, not at the first push.
    await Promise.all([this.#who(false), this.#measureRtt()]);
  }

  /** The server would not give our name back (someone took it meanwhile): ask for one. */
  #nameLost(reason: string): void {
    this.problem = undefined;
    this.phase = "naming";
    this.roster.replace([]);
    this.#listed = false;
    this.notice(`cannot get the name ${this.#heldName ?? "?"} back: ${reason}`, "error");
    this.notice("Choose a name and press Enter.");
  }

  /** Runs a line typed in the chat phase. */
  async run(line: string): Promise<void> {
    const command = parseCommand(line);
    this.unreadPrivate = 0;
    switch (command.kind) {
      case "none":
        return;
      case "error":
        return this.notice(command.text, "error");
      case "help":
        for (const text of helpLines()) this.notice(text);
        return;
      case "clear":
        return this.hooks.clear();
      case "quit":
        return this.quit();
      case "who":
        return this.#who(true);
      case "info":
        try {
          const info = await this.client.info();
          this.rttMs = info.rttMs;
          this.notice(`server: ${info.text} (rtt ${formatRtt(info.rttMs)})`);
        } catch (error) {
          this.notice(`/info: ${reasonOf(error)}`, "error");
        }
        return;
      case "broadcast": {
        const from = this.name ?? "?";
        const at = this.now();
        const entry: LogEntry = { kind: "broadcast", at, from, text: command.text, own: true };
        const id = this.hooks.add({ ...entry, delivery: "sending" });
        return this.#track(id, () => this.client.broadcast(command.text));
      }
      case "msg": {
        const at = this.now();
        const { to, text } = command;
        const entry: LogEntry = { kind: "private", at, direction: "out", peer: to, text };
        const id = this.hooks.add({ ...entry, delivery: "sending" });
        return this.#track(id, () => this.client.sendPrivate(to, text));
      }
    }
  }

  async #track(
    id: number,
    send: () => Promise<{ status: Delivery; error?: string }>,
  ): Promise<void> {
    try {
      const result = await send();
      this.hooks.update(id, result.status, result.error);
    } catch (error) {
      this.hooks.update(id, "failed", reasonOf(error));
    }
  }

  async #measureRtt(): Promise<void> {
    try {
      this.rttMs = (await this.client.info()).rttMs;
      this.hooks.changed();
    } catch {
      // Keep-alives will measure it later; a slow first answer is not worth a line.
    }
  }

  async #who(show: boolean): Promise<void> {
    try {
      const names = await this.client.list();
      this.#setUsers(names);
      if (show) this.notice(`${names.length} online: ${names.join(", ")}`);
    } catch (error) {
      this.notice(`/who: ${reasonOf(error)}`, "error");
    }
  }

  /**
   * Someone who just sent a message is online, even if the list has not said so yet: list
   * them at once (for Tab too), and without a late "joined" line when the list catches up.
   */
  #seen(name: string): void {
    if (this.#listed) this.roster.add(name);
  }

  #setUsers(names: string[]): void {
    const { joined, left } = this.roster.replace(names);
    if (this.#listed) {
      if (joined.length + left.length > CHANGES_LISTED) {
        const parts = [`${joined.length} joined`, `${left.length} left`];
        this.notice(parts.filter((part) => !part.startsWith("0 ")).join(", "));
      } else {
        for (const name of joined) this.notice(`${name} joined`);
        for (const name of left) this.notice(`${name} left`);
      }
    }
    this.#listed = true;
    this.hooks.changed();
  }

  /** Logs out (waiting briefly for the OK), closes the client and exits 0. */
  async quit(): Promise<void> {
    if (this.phase === "quitting" || this.phase === "closed") return;
    const wasRegistered = this.registered;
    this.phase = "quitting";
    this.notice("Logging out…");
    if (wasRegistered) {
      await Promise.race([this.client.logout().catch(() => undefined), sleep(QUIT_WAIT_MS)]);
    }
    await this.client.close({ logout: false }).catch(() => undefined);
    this.phase = "closed";
    this.hooks.exit(0);
  }
}

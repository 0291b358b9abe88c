import { isChatError } from "@chat/client";
import { DEFAULT_MAX_MESSAGE_BYTES, ErrorText, foldName } from "@chat/protocol";
import { type ChatConnection, reasonOf } from "./connection.js";
import { type Delivery, type LogEntry, mentions } from "./format.js";
import { Ignores } from "./ignores.js";
import { Roster } from "./roster.js";
import { type SendKind, type SendOutcome, SendPacer } from "./send-pacer.js";
import { splitMessage } from "./split-message.js";

export type Phase = "naming" | "registering" | "chat" | "quitting" | "closed";

/** Which window a log entry goes to: the room, the one being looked at, or a query. */
export type Target = "room" | "current" | { peer: string };

/** How the session reaches the log and the screen. */
export interface SessionHooks {
  now: () => Date;
  add: (entry: LogEntry, target: Target) => number;
  update: (id: number, delivery: Delivery, error: string | undefined) => void;
  bell: () => void;
  changed: () => void;
  exit: (code: number) => void;
  /** Someone left (expired) or came back: their query window, if any, says so. */
  presence: (name: string, present: boolean) => void;
}

/** Opens a client to another server, for /server. */
export type OpenClient = (host: string, port: number) => Promise<ChatConnection>;

/** How long /quit waits for the server's OK to LOGOUT before leaving anyway. */
export const QUIT_WAIT_MS = 1_000;
/** More joins (or leaves) than this in one list are named in part: "a, b and 38 others". */
const NAMES_LISTED = 3;
/**
 * While the server holds at most this many users, each keep-alive answer is followed by a
 * LIST of our own, so a join shows within one keep-alive rather than one list push; above
 * it the list is too big to ask for that often, and the push alone brings it.
 */
export const LIST_ON_KEEPALIVE_MAX_USERS = 500;
/** A leave no later list confirmed is said after this long. */
export const LEAVE_WAIT_MS = 2_000;

/** "alice joined", "alice and bob joined", "alice, bob and 38 others joined". */
export function namesSentence(names: readonly string[]): string {
  if (names.length <= 1) return names.join("");
  if (names.length <= NAMES_LISTED) return `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
  const shown = names.slice(0, NAMES_LISTED - 1);
  return `${shown.join(", ")} and ${names.length - shown.length} others`;
}

/** An unreachable server is tried again after 1 s, then twice as long each time, up to 30 s. */
export const REGISTER_RETRY_FIRST_MS = 1_000;
export const REGISTER_RETRY_MAX_MS = 30_000;

/** The server's own largest message, when it refused one as longer than a smaller one. */
function smallerLimit(outcome: SendOutcome, known: number): number | undefined {
  const error = outcome.error ?? "";
  if (!error.startsWith(ErrorText.MESSAGE_INVALID_PREFIX)) return undefined;
  const said = /^longer than (\d+) bytes$/u.exec(
    error.slice(ErrorText.MESSAGE_INVALID_PREFIX.length),
  );
  const limit = said ? Number(said[1]) : undefined;
  return limit !== undefined && limit > 0 && limit < known ? limit : undefined;
}

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
  /** Who sent the last private message: Tab on an empty line replies to them. */
  lastPrivateFrom: string | undefined;
  problem: string | undefined;
  #listed = false;
  /** The name we last held, to say which one the server would not give back. */
  #heldName: string | undefined;
  /** Leaves not said yet (folded name → name): the next list, or a timer, confirms them. */
  readonly #pendingLeaves = new Map<string, string>();
  #leaveTimer: NodeJS.Timeout | undefined;
  /** The next try to register with a server that did not answer, and how long it waited. */
  #retry: { timer: NodeJS.Timeout; delayMs: number } | undefined;
  #lastRetryDelayMs = 0;
  /** Users whose messages are not shown. */
  ignores = new Ignores();
  /** Words that highlight a line as our name does (config.json "highlight"). */
  highlights: readonly string[] = [];
  /** Every line sent goes through here, under the server's rate limits. */
  readonly pacer: SendPacer;

  constructor(
    public client: ChatConnection,
    readonly hooks: SessionHooks,
    /** How the server is shown, e.g. "127.0.0.1:9999"; changes with /server. */
    public server: string,
    readonly openClient?: OpenClient,
    pacer: SendPacer = new SendPacer(),
    /**
     * The largest message the server takes; longer lines are sent in pieces. A server set
     * lower says so when it refuses one (`longer than 512 bytes`), and is believed.
     */
    public maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES,
  ) {
    this.pacer = pacer;
  }

  get name(): string | undefined {
    return this.client.name;
  }

  get registered(): boolean {
    return this.client.name !== undefined;
  }

  now(): Date {
    return this.hooks.now();
  }

  notice(text: string, level: "info" | "error" = "info", target: Target = "room"): void {
    this.hooks.add({ kind: "notice", at: this.now(), text, level }, target);
  }

  start(name: string | undefined): void {
    this.#listen(this.client);
    this.notice(`CHAT UDP client: server ${this.server}. Type /help for commands and keys.`);
    if (name === undefined) this.notice("Choose a name and press Enter.");
    else void this.register(name);
  }

  /** Turns a client's events into log lines; a client replaced by /server is ignored. */
  #listen(client: ChatConnection): void {
    const on: ChatConnection["on"] = (event, listener) =>
      client.on(event, (payload) => {
        if (client === this.client) listener(payload);
      });
    on("broadcast", ({ from, message, self }) => {
      if (self) return; // shown when sent, and marked delivered by broadcast()'s result
      this.#seen(from);
      if (this.ignores.has(from)) return;
      const mention = this.#forMe(message);
      this.hooks.add({ kind: "broadcast", at: this.now(), from, text: message, mention }, "room");
      if (mention) this.hooks.bell();
    });
    on("private", ({ from, message }) => {
      this.#seen(from);
      if (this.ignores.has(from)) return;
      this.lastPrivateFrom = from;
      const entry: LogEntry = {
        kind: "private",
        at: this.now(),
        direction: "in",
        peer: from,
        text: message,
      };
      this.hooks.add(entry, { peer: from });
      this.hooks.bell();
    });
    on("users", ({ names }) => this.#setUsers(names));
    on("rtt", ({ ms }) => {
      this.rttMs = ms;
      this.hooks.changed();
      // A keep-alive came back: a good moment to see whether the list changed.
      if (this.phase === "chat" && this.#listed && this.roster.size <= LIST_ON_KEEPALIVE_MAX_USERS)
        void this.who(false);
    });
    on("error", ({ text }) => this.notice(`server: ${text}`, "error"));
    on("shutdown", () => this.notice("the server is shutting down", "error"));
    on("keepAliveTooLong", ({ keepAliveMs, forgottenAfterMs }) =>
      this.notice(keepAliveWarning(keepAliveMs, forgottenAfterMs), "error"),
    );
    on("connection", ({ state, reason }) => {
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
        void this.who(false); // who came and went meanwhile
      } else if (state === "refused") {
        this.#nameLost(reason ?? "refused");
      }
    });
  }

  /** Our name or a highlight word, as a whole word. */
  #forMe(message: string): boolean {
    return mentions(message, this.name) || this.highlights.some((word) => mentions(message, word));
  }

  /** Registers `name`; `retrying`: a try after the server did not answer, not the user's. */
  async register(name: string, retrying = false): Promise<void> {
    this.#cancelRetry();
    if (!retrying) this.#lastRetryDelayMs = 0;
    this.phase = "registering";
    if (!retrying) this.notice(`Registering as ${name}…`);
    try {
      await this.client.register(name);
    } catch (error) {
      if (this.phase !== "registering") return;
      this.phase = "naming";
      if (isChatError(error) && error.code === "TIMEOUT") {
        this.#retryLater(name, reasonOf(error));
        return;
      }
      this.#lastRetryDelayMs = 0;
      this.problem = undefined;
      this.notice(`cannot register as ${name}: ${reasonOf(error)}`, "error");
      this.notice("Choose a name and press Enter (Up recalls the last one).");
      return;
    }
    if (this.phase !== "registering") return;
    this.phase = "chat";
    this.problem = undefined;
    this.#lastRetryDelayMs = 0;
    this.#heldName = this.name ?? name;
    this.notice(`You are ${this.#heldName}.`);
    await this.refresh();
  }

  /**
   * The server did not answer: try the same name again later, backing off, while the
   * name: prompt stays usable (/quit, /server, or another name cancel the wait).
   */
  #retryLater(name: string, reason: string): void {
    const first = this.#lastRetryDelayMs === 0;
    const delayMs = first
      ? REGISTER_RETRY_FIRST_MS
      : Math.min(REGISTER_RETRY_MAX_MS, this.#lastRetryDelayMs * 2);
    this.#lastRetryDelayMs = delayMs;
    this.problem = `unreachable; trying again in ${seconds(delayMs)}`;
    if (first) {
      this.notice(
        `cannot reach the server: ${reason}; trying again as ${name}, less and less often ` +
          `(/server moves, /quit leaves, or type another name)`,
        "error",
      );
    } else this.hooks.changed();
    const timer = setTimeout(() => {
      if (this.#retry?.timer !== timer || this.phase !== "naming") return;
      void this.register(name, true);
    }, delayMs);
    timer.unref?.();
    this.#retry = { timer, delayMs };
  }

  #cancelRetry(): void {
    if (this.#retry) clearTimeout(this.#retry.timer);
    this.#retry = undefined;
  }

  /** The server would not give our name back (someone took it meanwhile): ask for one. */
  #nameLost(reason: string): void {
    this.problem = undefined;
    this.phase = "naming";
    this.roster.replace([]);
    this.#listed = false;
    this.#dropPendingLeaves();
    this.notice(`cannot get the name ${this.#heldName ?? "?"} back: ${reason}`, "error");
    this.notice("Choose a name and press Enter.");
  }

  /**
   * Sends to the room; each line shows at once (queued while the pacer holds it back) and
   * its fate when known. A line over the largest message goes as several.
   */
  broadcast(text: string): Promise<void> {
    return this.#sendPieces(text, (piece) => {
      const entry: LogEntry = {
        kind: "broadcast",
        at: this.now(),
        from: this.name ?? "?",
        text: piece,
        own: true,
        delivery: "queued",
      };
      const id = this.hooks.add(entry, "room");
      return { kind: "broadcast", ids: [id], send: () => this.client.broadcast(piece) };
    });
  }

  /**
   * Sends to one user; the line goes to their window, and is echoed with its fate in
   * `typedIn` too when it was typed elsewhere (/msg in the room).
   */
  sendPrivate(to: string, text: string, typedIn?: Target): Promise<void> {
    return this.#sendPieces(text, (piece) => {
      const entry: LogEntry = {
        kind: "private",
        at: this.now(),
        direction: "out",
        peer: to,
        text: piece,
        delivery: "queued",
      };
      const ids = [this.hooks.add(entry, { peer: to })];
      if (typedIn !== undefined) ids.push(this.hooks.add(entry, typedIn));
      return { kind: "private", ids, send: () => this.client.sendPrivate(to, piece) };
    });
  }

  /**
   * Sends `text` in pieces the server takes, each through the pacer. A piece refused as
   * longer than a smaller limit than we knew is sent again, cut to that limit.
   */
  async #sendPieces(
    text: string,
    show: (piece: string) => { kind: SendKind; ids: number[]; send: () => Promise<SendOutcome> },
  ): Promise<void> {
    const sends = splitMessage(text, this.maxMessageBytes).map(async (piece) => {
      const { kind, ids, send } = show(piece);
      const outcome = await this.#paced(ids, kind, send);
      const limit = smallerLimit(outcome, this.maxMessageBytes);
      if (limit === undefined) return;
      this.maxMessageBytes = limit;
      await this.#sendPieces(piece, show);
    });
    await Promise.all(sends);
  }

  /** Lines still waiting for their turn to be sent. */
  get queued(): number {
    return this.pacer.queued;
  }

  #paced(ids: number[], kind: SendKind, send: () => Promise<SendOutcome>): Promise<SendOutcome> {
    const update = (delivery: Delivery, error?: string) => {
      for (const id of ids) this.hooks.update(id, delivery, error);
    };
    return new Promise((resolve) => {
      this.pacer.submit({
        kind,
        send,
        started: () => update("sending"),
        settled: (outcome) => {
          const resent = smallerLimit(outcome, this.maxMessageBytes) !== undefined;
          update(outcome.status, resent ? `${outcome.error}; sent again in pieces` : outcome.error);
          this.hooks.changed();
          resolve(outcome);
        },
      });
      this.hooks.changed();
    });
  }

  /** /nick succeeded: the list is not to say that we left and someone joined. */
  renamed(old: string | undefined): void {
    this.#heldName = this.name;
    const others = this.roster.names.filter(
      (held) => old === undefined || foldName(held) !== foldName(old),
    );
    this.roster.replace(this.name === undefined ? others : [...others, this.name]);
    this.hooks.changed();
  }

  /** /server: from now on `client` (already registered, if we had a name) on `server`. */
  adopt(client: ChatConnection, server: string): void {
    this.#cancelRetry();
    this.#dropPendingLeaves();
    this.client = client;
    this.server = server;
    this.#listen(client);
    this.roster.replace([]);
    this.#listed = false;
    this.rttMs = undefined;
    this.problem = undefined;
    if (this.name === undefined) this.phase = "naming";
  }

  /** Fills the user list and the round-trip time at once, not at the first push. */
  async refresh(): Promise<void> {
    await Promise.all([this.who(false), this.#measureRtt()]);
  }

  async #measureRtt(): Promise<void> {
    try {
      this.rttMs = (await this.client.info()).rttMs;
      this.hooks.changed();
    } catch {
      // Keep-alives will measure it later; a slow first answer is not worth a line.
    }
  }

  /** Asks the server who is online; with `show`, lists them in `target`. */
  async who(show: boolean, target: Target = "room"): Promise<void> {
    try {
      const names = await this.client.list();
      this.#setUsers(names);
      if (show) this.notice(`${names.length} online: ${names.join(", ")}`, "info", target);
    } catch (error) {
      // A refresh the user did not ask for stays quiet: a lost or forgotten registration
      // is told once by the connection events, and re-registering refreshes the list.
      if (show) this.notice(`/who: ${reasonOf(error)}`, "error", target);
    }
  }

  /**
   * Someone who just sent a message is online, even if the list has not said so yet: list
   * them and say they joined at once (the list catching up adds no second line), and ask
   * for the list to learn who else came or went.
   */
  #seen(name: string): void {
    if (!this.#listed || !this.roster.add(name)) return;
    this.notice(`${name} joined`);
    this.hooks.presence(name, true);
    void this.who(false);
  }

  #setUsers(names: string[]): void {
    const { joined, left } = this.roster.replace(names);
    if (this.#listed) this.#announce(names, joined, left);
    this.#listed = true;
    this.hooks.changed();
  }

  /**
   * Join and leave lines. A leave is said once a later list still lacks the name, or after
   * LEAVE_WAIT_MS: a pushed list crossing an asked-for one can briefly bring a name back
   * (the SDK merges them), which is not worth a "left" and a "joined". A name gone while
   * the newest one came (a LOGOUT and a REGISTER, as /nick does it), in one list or in
   * two, is a rename.
   */
  #announce(names: readonly string[], joined: string[], left: string[]): void {
    const returned = joined.filter((name) => this.#pendingLeaves.has(foldName(name)));
    for (const name of returned) this.#pendingLeaves.delete(foldName(name));
    const arrived = joined.filter((name) => !returned.includes(name));
    const confirmed = [...this.#pendingLeaves.values()];
    this.#pendingLeaves.clear();
    const newest = arrived.length === 1 && names.at(-1) === arrived[0];
    const gone = [...confirmed, ...left];
    if (newest && gone.length === 1) {
      this.notice(`${gone[0]} is now known as ${arrived[0]}`);
    } else {
      if (arrived.length > 0) this.notice(`${namesSentence(arrived)} joined`);
      if (confirmed.length > 0) this.notice(`${namesSentence(confirmed)} left`);
      for (const name of left) this.#pendingLeaves.set(foldName(name), name);
    }
    for (const name of [...arrived, ...returned]) this.hooks.presence(name, true);
    for (const name of left) this.hooks.presence(name, false); // their window says so at once
    this.#armLeaveTimer();
  }

  #armLeaveTimer(): void {
    clearTimeout(this.#leaveTimer);
    this.#leaveTimer = undefined;
    if (this.#pendingLeaves.size === 0) return;
    this.#leaveTimer = setTimeout(() => this.#flushLeaves(), LEAVE_WAIT_MS);
    this.#leaveTimer.unref?.();
  }

  #flushLeaves(): void {
    const names = [...this.#pendingLeaves.values()];
    this.#dropPendingLeaves();
    if (names.length === 0 || this.phase === "quitting" || this.phase === "closed") return;
    this.notice(`${namesSentence(names)} left`);
  }

  #dropPendingLeaves(): void {
    clearTimeout(this.#leaveTimer);
    this.#leaveTimer = undefined;
    this.#pendingLeaves.clear();
  }

  /** Logs out (waiting briefly for the OK), closes the client and exits 0. */
  async quit(): Promise<void> {
    if (this.phase === "quitting" || this.phase === "closed") return;
    const wasRegistered = this.registered;
    this.#cancelRetry();
    this.#dropPendingLeaves();
    this.phase = "quitting";
    const unsent = this.pacer.queued;
    this.pacer.clear("not sent: the client left");
    this.notice(unsent > 0 ? `Logging out (${unsent} queued lines not sent)…` : "Logging out…");
    if (wasRegistered) {
      await Promise.race([this.client.logout().catch(() => undefined), sleep(QUIT_WAIT_MS)]);
    }
    await this.client.close({ logout: false }).catch(() => undefined);
    this.phase = "closed";
    this.hooks.exit(0);
  }
}

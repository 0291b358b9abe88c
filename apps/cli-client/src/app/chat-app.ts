import { checkName, foldName } from "@chat/protocol";
import type { BellSetting } from "../files/config.js";
import type { ConversationLogs } from "../files/conversation-logs.js";
import { type HistoryStore, ROOM_KEY } from "../files/history-store.js";
import type { Layout } from "../ui/layout.js";
import { runCommand } from "./command-runner.js";
import { COMMAND_NAMES, type Command, parseCommand } from "./commands.js";
import { type CompletionState, complete } from "./completion.js";
import type { ChatConnection } from "./connection.js";
import type { Delivery, LogEntry } from "./format.js";
import { buildFrame, type Frame, layoutOf, type View } from "./frame.js";
import { History } from "./history.js";
import type { Ignores } from "./ignores.js";
import { InputLine } from "./input-line.js";
import { type Key, type KeyAction, keyAction } from "./keys.js";
import { isPrintable } from "./sanitize.js";
import { type OpenClient, Session, type Target } from "./session.js";
import { runWindowCommand } from "./window-commands.js";
import { type ChatWindow, Windows } from "./windows.js";

export type { Frame, View } from "./frame.js";

/** Keys that only edit the input line. */
const EDITS: Partial<Record<string, (input: InputLine) => void>> = {
  left: (input) => input.left(),
  right: (input) => input.right(),
  home: (input) => input.home(),
  end: (input) => input.end(),
  backspace: (input) => input.backspace(),
  delete: (input) => input.deleteForward(),
  "delete-word": (input) => input.deleteWordBefore(),
  "delete-to-start": (input) => input.deleteToStart(),
  "delete-to-end": (input) => input.deleteToEnd(),
};

export interface ChatAppOptions {
  client: ChatConnection;
  view: View;
  /** How the server is shown, e.g. "127.0.0.1:9999". */
  server: string;
  /** Register this name at once instead of asking. */
  name?: string;
  /** Called once, after /quit or Ctrl-C has logged out; the caller restores the terminal. */
  onExit: (code: number) => void;
  now?: () => Date;
  /** Opens a client to another server, for /server; without it /server says it cannot. */
  openClient?: OpenClient;
  /** HH:MM before each line (default true). */
  timestamps?: boolean;
  /** Colours (default true); without, only bold, underline and inverse. */
  colours?: boolean;
  /** Said in window 1 at startup, as errors: a bad config.json. */
  problems?: readonly string[];
  /** The input history kept across runs; without it, history lasts one run. */
  history?: HistoryStore;
  /** Where /log on writes; without it /log says it cannot. */
  logs?: ConversationLogs;
  /** A monotonic clock in ms (default performance.now), for telling a paste from typing. */
  monotonic?: () => number;
  /** Users whose messages are hidden, kept where /ignore saves them. */
  ignores?: Ignores;
  /** config.json "aliases": /word stands for a command. */
  aliases?: Readonly<Record<string, string>>;
  /** config.json "highlight": words that count as one's name. */
  highlight?: readonly string[];
  /** config.json "bell" (default on). */
  bell?: BellSetting;
  /** config.json "autolog": /log on at start. */
  autolog?: boolean;
}

/** A paste of more lines than this asks before sending (irssi's paste_verify_line_count). */
export const PASTE_VERIFY_LINES = 5;
/** Keys this close after a held paste still belong to it (a paste read in several chunks). */
export const PASTE_GAP_MS = 50;

/** The key of a window's input history on disk. */
const historyKey = (peer: string | undefined) => (peer === undefined ? ROOM_KEY : foldName(peer));

/**
 * The terminal client's brain: turns keys into edits, commands and client calls, and
 * client events into lines in the right window, then hands a Frame to the view. No
 * terminal code here.
 */
export class ChatApp {
  readonly windows: Windows;
  readonly input = new InputLine();
  readonly session: Session;
  #completion: CompletionState | undefined;
  #renderQueued = false;
  /** Lines whose delivery is still to come: our id, their window and its log's id. */
  readonly #pending = new Map<number, { window: ChatWindow; id: number }>();
  #nextId = 1;
  #historyProblemShown = false;
  /** Names tried at the name: prompt this run, for Up there; not the chat history. */
  readonly #names = new History(20);
  /** Lines submitted in the current burst of keys (one read from the terminal). */
  #burst: string[] | undefined;
  /** A paste held until the user says whether to send it. */
  #paste: string[] | undefined;
  #lastKeyAt = Number.NEGATIVE_INFINITY;
  #lastBellAt = Number.NEGATIVE_INFINITY;

  constructor(readonly options: ChatAppOptions) {
    const now = options.now ?? (() => new Date());
    const store = options.history;
    this.windows = new Windows({ timestamps: options.timestamps !== false }, (peer) =>
      store ? store.lines(historyKey(peer)) : [],
    );
    this.session = new Session(
      options.client,
      {
        now,
        add: (entry, target) => this.#add(entry, target),
        update: (id, delivery, error) => this.#setDelivery(id, delivery, error),
        bell: () => this.#bell(),
        changed: () => this.render(),
        exit: (code) => {
          options.logs?.stop();
          options.onExit(code);
        },
        presence: (name, present) => this.#presence(name, present),
      },
      options.server,
      options.openClient,
    );
    if (options.ignores) this.session.ignores = options.ignores;
    this.session.highlights = options.highlight ?? [];
  }

  /** A highlight or a private message: the bell, unless off or rung too recently. */
  #bell(): void {
    const setting = this.options.bell ?? "on";
    if (setting === "off") return;
    const now = this.#monotonic();
    if (typeof setting === "object" && now - this.#lastBellAt < setting.atMostEveryMs) return;
    this.#lastBellAt = now;
    this.options.view.bell();
  }

  #monotonic(): number {
    return (this.options.monotonic ?? (() => performance.now()))();
  }

  start(): void {
    for (const problem of this.options.problems ?? []) this.session.notice(problem, "error");
    if (this.options.name !== undefined) this.#names.add(this.options.name);
    if (this.options.autolog) this.#runWindowCommand({ kind: "log", on: true });
    this.session.start(this.options.name);
    this.render();
  }

  get phase() {
    return this.session.phase;
  }

  handleKey(key: Key): void {
    const now = this.#monotonic();
    const partOfPaste = this.#burst !== undefined || now - this.#lastKeyAt <= PASTE_GAP_MS;
    this.#lastKeyAt = now;
    if (this.#paste && !partOfPaste) {
      this.#answerPaste(key);
      this.render();
      return;
    }
    const action = keyAction(key);
    if (action !== "complete") this.#completion = undefined;
    if (action === undefined) return;
    if (typeof action === "object") {
      if ("insert" in action) this.input.insert(action.insert);
      else this.windows.select(action.window);
    } else {
      const edit = EDITS[action];
      if (edit) edit(this.input);
      else this.#command(action);
    }
    this.render();
  }

  #command(action: Exclude<KeyAction, object | undefined>): void {
    const { width, height } = this.layout().log;
    const window = this.windows.current;
    const history = this.session.phase === "naming" ? this.#names : window.history;
    if (action === "submit") this.#submit();
    else if (action === "complete") this.#complete();
    else if (action === "history-previous") this.#recall(history.previous(this.input.text));
    else if (action === "history-next") this.#recall(history.next());
    else if (action === "page-up") window.log.pageUp(width, height);
    else if (action === "page-down") window.log.pageDown(width, height);
    else if (action === "next-window") this.windows.step(1);
    else if (action === "previous-window") this.windows.step(-1);
    else if (action === "active-window") this.windows.selectMostActive();
    else if (action === "redraw") this.options.view.redraw();
    else if (action === "quit") void this.session.quit();
  }

  #recall(entry: string | undefined): void {
    if (entry !== undefined) this.input.set(entry);
  }

  #remember(line: string): void {
    const window = this.windows.current;
    window.history.add(line);
    // A lax server's name with control characters in it is not written to the file.
    const storable = window.peer === undefined || isPrintable(window.peer);
    const problem = storable ? this.options.history?.add(historyKey(window.peer), line) : undefined;
    if (problem && !this.#historyProblemShown) {
      this.#historyProblemShown = true;
      this.session.notice(problem, "error", "current");
    }
  }

  #submit(): void {
    const line = this.input.text;
    const phase = this.session.phase;
    // While a name is being registered or the client is leaving, Enter keeps the line;
    // while registering, commands (/quit, /server) still work.
    if (phase === "registering" && line.trim().startsWith("/")) {
      this.input.clear();
      this.#namingCommand(line.trim());
      return;
    }
    if (phase === "registering" || phase === "quitting" || phase === "closed") return;
    if (phase === "chat") {
      // Lines of one burst of keys are sent together once it ends: a paste of more than
      // a few asks first.
      this.input.clear();
      if (this.#paste) this.#paste.push(line);
      else if (this.#burst) this.#burst.push(line);
      else {
        this.#burst = [line];
        setImmediate(() => this.#endBurst());
      }
      return;
    }
    if (phase === "naming") {
      const name = line.trim();
      if (name.startsWith("/")) {
        this.input.clear();
        this.#namingCommand(name);
        return;
      }
      const reason = checkName(name);
      if (reason !== undefined) {
        this.session.notice(`username is invalid: ${reason}; try another name`, "error", "current");
        return;
      }
      this.input.clear();
      this.#names.add(name); // Up, Enter tries the same name again (never saved to disk)
      void this.session.register(name);
    }
  }

  #runWindowCommand(command: Command): boolean {
    const context = { windows: this.windows, session: this.session, logs: this.options.logs };
    return runWindowCommand(command, context);
  }

  /** A command at the name: prompt: leaving, moving, help and windows work; the rest waits. */
  #namingCommand(line: string): void {
    const command = parseCommand(line, this.options.aliases);
    switch (command.kind) {
      case "quit":
      case "server":
      case "help":
      case "error":
        void runCommand(this.session, command, undefined);
        return;
      case "nick":
        this.#names.add(command.name);
        void this.session.register(command.name);
        return;
      default:
        if (this.#runWindowCommand(command)) return;
        this.session.notice(`${line.split(/\s/u)[0]}: choose a name first`, "error", "current");
    }
  }

  #endBurst(): void {
    const lines = (this.#burst ?? []).filter((line) => line.trim() !== "");
    this.#burst = undefined;
    if (lines.length > PASTE_VERIFY_LINES) {
      this.#paste = lines;
      this.session.notice(
        `${lines.length} lines pasted: y sends them, n drops them`,
        "info",
        "current",
      );
    } else for (const line of lines) this.#submitChat(line);
    this.render();
  }

  /** y or Enter sends a held paste; n, Escape or Ctrl-C drops it. */
  #answerPaste(key: Key): void {
    const lines = this.#paste ?? [];
    const answer = key.ctrl && key.name === "c" ? "n" : key.name === "enter" ? "y" : key.ch;
    if (answer === "y" || answer === "Y") {
      this.#paste = undefined;
      for (const line of lines) this.#submitChat(line);
    } else if (answer === "n" || answer === "N" || key.name === "escape") {
      this.#paste = undefined;
      this.session.notice(`${lines.length} pasted lines dropped`, "info", "current");
    } else if (key.name !== "return") this.options.view.bell();
  }

  /** A line typed in the chat phase: a command, or text for the room or the query. */
  #submitChat(line: string): void {
    this.#remember(line);
    this.windows.current.log.toBottom();
    const command = parseCommand(line, this.options.aliases);
    if (this.#runWindowCommand(command)) this.render();
    else void runCommand(this.session, command, this.windows.current.peer);
  }

  #complete(): void {
    const { text, cursor } = this.input;
    // Only names that could have been typed go into the line: a lax server's name with
    // an escape sequence in it must not reach the input line raw.
    const replyTo = this.session.lastPrivateFrom;
    if (text === "" && replyTo !== undefined && isPrintable(replyTo)) {
      this.input.set(`/msg ${replyTo} `); // as irssi: Tab on an empty line answers a message
      return;
    }
    const peer = this.windows.current.peer;
    const names = [...this.session.roster.names, ...(peer !== undefined ? [peer] : [])].filter(
      (name) => name !== this.session.name && isPrintable(name),
    );
    // Another Tab cycles what the last one offered, whether commands or names.
    const previous = this.#completion;
    const cycling = previous !== undefined && previous.text === text && previous.cursor === cursor;
    const done =
      cycling || !/^\/\S*$/u.test(text.slice(0, cursor))
        ? complete(text, cursor, names, previous)
        : complete(text, cursor, COMMAND_NAMES, previous, " ");
    if (!done) {
      this.options.view.bell();
      return;
    }
    this.input.set(done.text, done.cursor);
    this.#completion = done.state;
  }

  #windowOf(target: Target): ChatWindow {
    if (target === "room") return this.windows.room;
    if (target === "current") return this.windows.current;
    return this.windows.query(target.peer);
  }

  #add(entry: LogEntry, target: Target): number {
    const window = this.#windowOf(target);
    const id = window.log.add(entry);
    const own =
      entry.kind === "private"
        ? entry.direction === "out"
        : entry.kind === "broadcast" && entry.own;
    const forMe =
      (entry.kind === "private" && !own) || (entry.kind === "broadcast" && entry.mention);
    if (!own) this.windows.touch(window, forMe ? "highlight" : "text");
    // A query window our /msg opened (or wrote to) from elsewhere shows up in [Act].
    else if (entry.kind === "private") this.windows.touch(window, "text");
    this.#logToFile(window, entry);
    this.render();
    const ours = this.#nextId++;
    if (entry.kind !== "notice" && (entry.delivery === "sending" || entry.delivery === "queued"))
      this.#pending.set(ours, { window, id });
    return ours;
  }

  #logToFile(window: ChatWindow, entry: LogEntry): void {
    const logs = this.options.logs;
    if (!logs) return;
    logs.server = this.session.server; // /server moves the logs too
    const problem = logs.write(window.peer, entry);
    if (problem) this.session.notice(problem, "error", "current");
  }

  #setDelivery(ours: number, delivery: Delivery, error: string | undefined): void {
    const pending = this.#pending.get(ours);
    if (!pending) return;
    if (delivery !== "queued" && delivery !== "sending") this.#pending.delete(ours);
    pending.window.log.update(pending.id, (entry) =>
      entry.kind === "notice" ? entry : { ...entry, delivery, ...(error ? { error } : {}) },
    );
    this.render();
  }

  /** Marks a query window when its user leaves or comes back; the same window is reused. */
  #presence(name: string, present: boolean): void {
    const window = this.windows.find(name);
    if (!window || window.gone === !present) return;
    window.gone = !present;
    this.session.notice(present ? `${name} is back` : `${name} has left`, "info", { peer: name });
  }

  layout(): Layout {
    return layoutOf({ size: this.options.view.size(), session: this.session });
  }

  /** Builds and paints a frame now. */
  renderNow(): void {
    this.#renderQueued = false;
    this.options.view.paint(this.frame());
  }

  /** Paints soon; a burst of events paints once. */
  render(): void {
    if (this.#renderQueued) return;
    this.#renderQueued = true;
    setImmediate(() => {
      if (this.#renderQueued) this.renderNow();
    });
  }

  frame(): Frame {
    return buildFrame({
      size: this.options.view.size(),
      session: this.session,
      windows: this.windows,
      input: this.input,
      colours: this.options.colours !== false,
      ...(this.#paste ? { question: `paste ${this.#paste.length} lines? (y/n) ` } : {}),
    });
  }
}

import { checkName } from "@chat/protocol";
import { computeLayout, type Layout } from "../ui/layout.js";
import { COMMAND_NAMES } from "./commands.js";
import { type CompletionState, complete } from "./completion.js";
import type { ChatConnection } from "./connection.js";
import type { Delivery, LogEntry } from "./format.js";
import { History } from "./history.js";
import { InputLine } from "./input-line.js";
import { type Key, type KeyAction, keyAction } from "./keys.js";
import { statusRow, userRows } from "./panes.js";
import { isPrintable } from "./sanitize.js";
import { Scrollback } from "./scrollback.js";
import { Session } from "./session.js";
import type { Row } from "./style.js";
import { displayWidth } from "./width.js";

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

/** Everything the screen draws, already laid out and styled. */
export interface Frame {
  layout: Layout;
  log: Row[];
  users: Row[];
  status: Row;
  prompt: string;
  input: { before: string; at: string; after: string };
}

/** What the app needs of a screen: its size, painting a frame, the bell. */
export interface View {
  size(): { columns: number; rows: number };
  paint(frame: Frame): void;
  bell(): void;
  redraw(): void;
}

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
}

/**
 * The terminal client's brain: turns keys into edits, commands and client calls, and
 * client events into log lines, then hands a Frame to the view. No terminal code here.
 */
export class ChatApp {
  readonly log = new Scrollback(5_000);
  readonly history = new History(100);
  readonly input = new InputLine();
  readonly session: Session;
  #completion: CompletionState | undefined;
  #renderQueued = false;

  constructor(readonly options: ChatAppOptions) {
    const now = options.now ?? (() => new Date());
    this.session = new Session(
      options.client,
      {
        now,
        add: (entry) => this.#add(entry),
        update: (id, delivery, error) => this.#setDelivery(id, delivery, error),
        clear: () => this.log.clear(),
        bell: () => options.view.bell(),
        changed: () => this.render(),
        exit: (code) => options.onExit(code),
      },
      options.server,
    );
  }

  start(): void {
    if (this.options.name !== undefined) this.history.add(this.options.name);
    this.session.start(this.options.name);
    this.render();
  }

  get phase() {
    return this.session.phase;
  }

  handleKey(key: Key): void {
    const action = keyAction(key);
    if (action !== "complete") this.#completion = undefined;
    if (action === undefined) return;
    if (typeof action === "object") this.input.insert(action.insert);
    else {
      const edit = EDITS[action];
      if (edit) edit(this.input);
      else this.#command(action);
    }
    this.render();
  }

  #command(action: Exclude<KeyAction, object | undefined>): void {
    const { width, height } = this.layout().log;
    if (action === "submit") this.#submit();
    else if (action === "complete") this.#complete();
    else if (action === "history-previous") this.#recall(this.history.previous(this.input.text));
    else if (action === "history-next") this.#recall(this.history.next());
    else if (action === "page-up") this.log.pageUp(width, height);
    else if (action === "page-down") this.log.pageDown(width, height);
    else if (action === "redraw") this.options.view.redraw();
    else if (action === "quit") void this.session.quit();
  }

  #recall(entry: string | undefined): void {
    if (entry !== undefined) this.input.set(entry);
  }

  #submit(): void {
    const line = this.input.text;
    const phase = this.session.phase;
    // While a name is being registered or the client is leaving, Enter keeps the line.
    if (phase === "registering" || phase === "quitting" || phase === "closed") return;
    if (phase === "naming") {
      const name = line.trim();
      const reason = checkName(name);
      if (reason !== undefined) {
        this.session.notice(`username is invalid: ${reason}; try another name`, "error");
        return;
      }
      this.input.clear();
      this.history.add(name); // Up, Enter tries the same name again
      void this.session.register(name);
      return;
    }
    this.input.clear();
    this.history.add(line);
    this.log.toBottom();
    void this.session.run(line);
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
    const names = this.session.roster.names.filter(
      (name) => name !== this.session.name && isPrintable(name),
    );
    const done = /^\/\S*$/u.test(text.slice(0, cursor))
      ? complete(text, cursor, COMMAND_NAMES, this.#completion, " ")
      : complete(text, cursor, names, this.#completion);
    if (!done) {
      this.options.view.bell();
      return;
    }
    this.input.set(done.text, done.cursor);
    this.#completion = done.state;
  }

  #add(entry: LogEntry): number {
    const id = this.log.add(entry);
    this.render();
    return id;
  }

  #setDelivery(id: number, delivery: Delivery, error: string | undefined): void {
    this.log.update(id, (entry) =>
      entry.kind === "notice" ? entry : { ...entry, delivery, ...(error ? { error } : {}) },
    );
    this.render();
  }

  layout(): Layout {
    const { columns, rows } = this.options.view.size();
    return computeLayout(columns, rows, this.session.roster.widest());
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
    const layout = this.layout();
    const session = this.session;
    const prompt = session.phase === "naming" ? "name: " : session.phase === "chat" ? "> " : "… ";
    const inputWidth = Math.max(1, layout.input.width - displayWidth(prompt));
    return {
      layout,
      log: this.log.view(layout.log.width, layout.log.height),
      users: layout.users
        ? userRows(
            session.roster.sorted(),
            session.name,
            layout.users.width - 2,
            layout.users.height,
          )
        : [],
      status: statusRow(
        {
          server: this.options.server,
          name: session.name,
          users: session.registered ? session.roster.size : undefined,
          rttMs: session.rttMs,
          unreadPrivate: session.unreadPrivate,
          ...(session.problem ? { problem: session.problem } : {}),
          ...(this.log.atBottom ? {} : { more: this.log.unseenRows }),
        },
        layout.status.width,
      ),
      prompt,
      input: this.input.view(inputWidth),
    };
  }
}

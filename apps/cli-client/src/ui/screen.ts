import blessed from "blessed";
import type { Frame, View } from "../app/chat-app.js";
import type { Key } from "../app/keys.js";
import { escapeTags } from "../app/sanitize.js";
import type { Row, Style } from "../app/style.js";
import { codePointWidth } from "../app/width.js";
import { promises256Colours, readModernTerminfo } from "./terminfo.js";

/*
 * The one module that knows blessed (unmaintained since 2016): it paints Frames and
 * reports keys and resizes. Everything it draws was sanitised and laid out before it gets
 * here; it only escapes blessed's tag syntax and maps styles to tags.
 */

/** A cell content no real cell holds, so the next render rewrites that cell. */
const FORGOTTEN = "\uFFFF";

export interface ScreenOptions {
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
  /** terminfo name; defaults to $TERM. */
  terminal?: string;
}

/*
 * blessed's own width table predates emoji: it draws "😀" and "⌚" in one cell while the
 * terminal uses two, pushing the rest of the row right. Teach it our table (width.ts):
 * every two-column character gets the placeholder cell blessed adds after wide characters,
 * and its width check agrees.
 */
let unicodePatched = false;
function patchUnicode(): void {
  if (unicodePatched) return;
  unicodePatched = true;
  const unicode = (blessed as unknown as { unicode: BlessedUnicode }).unicode;
  const original = unicode.charWidth.bind(unicode);
  unicode.charWidth = (text: string | number, index?: number) => {
    const point = typeof text === "number" ? text : text.codePointAt(index ?? 0);
    if (point === undefined || point === 0x09) return original(text, index);
    return codePointWidth(point);
  };
  const beyondLatin1 = /[^\u0000-\u00ff]/gu;
  unicode.chars.all = {
    [Symbol.replace]: (text: string, replacement: string) =>
      text.replace(beyondLatin1, (char: string) =>
        codePointWidth(char.codePointAt(0) as number) === 2
          ? replacement.replace("$1", char)
          : char,
      ),
  } as unknown as RegExp;
}

interface BlessedUnicode {
  charWidth(text: string | number, index?: number): number;
  chars: { all: RegExp };
}

/*
 * Grey is the UI's quiet colour (timestamps, the user list's bar, "…"). The 16-colour grey
 * (bright black) is near black on many dark themes and turns into black itself when
 * blessed reduces it to 8 colours, so: a mid grey of the 256-colour ramp, visible on dark
 * and light backgrounds alike; on 16 colours bright black; below that the default colour.
 */
const MID_GREY = "245"; // #8a8a8a (blessed's own hex matching picks yellow for it)

/** The tag colour for one of the UI's colour names on a terminal with `colours` colours. */
export function terminalColour(name: string, colours: number): string | undefined {
  if (name !== "grey") return name;
  if (colours >= 256) return MID_GREY;
  return colours >= 16 ? "grey" : undefined;
}

const TAG_COLOURS = (style: Style, colours: number): string[] => {
  const tags: string[] = [];
  const fg = style.fg && terminalColour(style.fg, colours);
  const bg = style.bg && terminalColour(style.bg, colours);
  if (fg) tags.push(`${fg}-fg`);
  if (bg) tags.push(`${bg}-bg`);
  if (style.bold) tags.push("bold");
  if (style.underline) tags.push("underline");
  if (style.inverse) tags.push("inverse");
  return tags;
};

/** A row as blessed tagged content; user text has its braces escaped. */
export function rowToTags(row: Row, colours = 256): string {
  return row
    .map(({ text, style }) => {
      const tags = style ? TAG_COLOURS(style, colours) : [];
      const body = escapeTags(text);
      return tags.length === 0 ? body : `${tags.map((tag) => `{${tag}}`).join("")}${body}{/}`;
    })
    .join("");
}

export class BlessedView implements View {
  readonly screen: blessed.Widgets.Screen;
  readonly #log: blessed.Widgets.BoxElement;
  readonly #users: blessed.Widgets.BoxElement;
  readonly #status: blessed.Widgets.BoxElement;
  readonly #input: blessed.Widgets.BoxElement;
  #detached = false;
  /** How many colours the terminal has, as its terminfo entry (or its TERM) says. */
  readonly colours: number;

  constructor(options: ScreenOptions = {}) {
    patchUnicode();
    readModernTerminfo();
    const terminal = options.terminal ?? process.env.TERM ?? "xterm";
    // blessed prints what its terminfo compiler chokes on with console.error, onto the
    // terminal it is about to hide behind the alternate screen: keep that off the screen.
    const consoleError = console.error;
    console.error = () => {};
    try {
      this.screen = this.#open(options);
    } finally {
      console.error = consoleError;
    }
    const tput = (this.screen as unknown as { tput: { colors: number } }).tput;
    if (tput.colors < 256 && promises256Colours(terminal)) tput.colors = 256;
    this.colours = tput.colors;
    const pane = () =>
      blessed.box({ parent: this.screen, tags: true, wrap: false, scrollable: false });
    this.#log = pane();
    this.#users = pane();
    this.#status = pane();
    this.#input = pane();
    // Draw "│" as UTF-8, not through the terminal's alternate character set: every
    // terminal we meet speaks UTF-8, and ACS shows as letters in some (and in tmux captures).
    (this.screen as unknown as { tput: { brokenACS: boolean } }).tput.brokenACS = true;
    wholeRowRedraws(this.screen);
    this.screen.program.hideCursor();
  }

  #open(options: ScreenOptions): blessed.Widgets.Screen {
    // @types/blessed types `input` as a Writable; blessed reads from it.
    return blessed.screen({
      smartCSR: true,
      fullUnicode: true,
      forceUnicode: true,
      autoPadding: false,
      dockBorders: false,
      warnings: false,
      title: "chat",
      ...(options.input ? { input: options.input } : {}),
      ...(options.output ? { output: options.output } : {}),
      ...(options.terminal ? { terminal: options.terminal } : {}),
    } as blessed.Widgets.IScreenOptions);
  }

  size(): { columns: number; rows: number } {
    return { columns: Number(this.screen.width), rows: Number(this.screen.height) };
  }

  onKey(handler: (key: Key) => void): void {
    // blessed splits a character beyond the BMP (an emoji) into two keypresses, one per
    // UTF-16 half: hold the first half until the second arrives.
    let highSurrogate = "";
    const onKeypress = (typed: string | undefined, key: blessed.Widgets.Events.IKeyEventArg) => {
      let ch = typed;
      if (ch !== undefined && /^[\uD800-\uDBFF]$/u.test(ch)) {
        highSurrogate = ch;
        return;
      }
      if (highSurrogate !== "") {
        ch = ch !== undefined && /^[\uDC00-\uDFFF]/u.test(ch) ? highSurrogate + ch : ch;
        highSurrogate = "";
      }
      handler({
        name: key?.name ?? "",
        ...(ch !== undefined ? { ch } : {}),
        ctrl: key?.ctrl === true,
        // rxvt and others send Alt+arrow as ESC before the arrow's own sequence; blessed
        // reports the arrow alone.
        meta: key?.meta === true || key?.sequence?.startsWith("\u001b\u001b") === true,
        shift: key?.shift === true,
      });
    };
    this.screen.on("keypress", onKeypress);
  }

  onResize(handler: () => void): void {
    this.screen.on("resize", handler);
  }

  /** Stops drawing: the terminal is gone (hang-up) or being handed back. */
  detach(): void {
    this.#detached = true;
  }

  paint(frame: Frame): void {
    if (this.#detached) return;
    const { layout } = frame;
    place(this.#log, layout.log);
    const tags = (row: Row) => rowToTags(row, this.colours);
    this.#log.setContent(frame.log.map(tags).join("\n"));
    if (layout.users) {
      place(this.#users, layout.users);
      const bar = rowToTags([{ text: "│", style: { fg: "grey" } }], this.colours);
      const rows = Array.from({ length: layout.users.height }, (_, i) => {
        const row = frame.users[i];
        return `${bar} ${row ? tags(row) : ""}`;
      });
      this.#users.setContent(rows.join("\n"));
      this.#users.show();
    } else {
      this.#users.hide();
    }
    place(this.#status, layout.status);
    this.#status.setContent(tags(frame.status));
    place(this.#input, layout.input);
    const { before, at, after } = frame.input;
    this.#input.setContent(
      `{bold}${escapeTags(frame.prompt)}{/}${escapeTags(before)}{inverse}${escapeTags(at || " ")}{/}${escapeTags(after)}`,
    );
    this.screen.render();
  }

  bell(): void {
    if (!this.#detached) this.screen.program.bell();
  }

  redraw(): void {
    this.screen.realloc();
    this.screen.render();
  }

  /** The screen as plain text, one string per row (for tests). */
  text(): string[] {
    const lines = (this.screen as unknown as { lines: Array<Array<[number, string]>> }).lines;
    return lines.map((line) =>
      line
        .map((cell) => cell[1])
        .join("")
        .replace(/[\u0003\0]/g, ""),
    );
  }

  destroy(): void {
    if (this.#detached) return;
    this.#detached = true;
    this.screen.program.showCursor();
    this.screen.destroy();
  }
}

type Cells = Array<[number, string]> & { dirty?: boolean };

/*
 * blessed redraws only the cells it believes changed, stepping the cursor over the rest
 * with relative moves; around wide characters its bookkeeping and the terminal's drift
 * apart, and stale characters stay behind (seen in tmux as the log scrolls). So every
 * row that changed is written out whole, from its first column: a little more output,
 * and what is on the screen is what was drawn.
 */
function wholeRowRedraws(screen: blessed.Widgets.Screen): void {
  const target = screen as unknown as {
    lines: Cells[];
    olines: Cells[];
    draw(start: number, end: number): void;
  };
  const draw = target.draw.bind(screen);
  target.draw = (start: number, end: number) => {
    for (let y = start; y <= end; y++) {
      const old = target.olines[y];
      if (!target.lines[y]?.dirty || !old) continue;
      for (const cell of old) cell[1] = FORGOTTEN;
    }
    draw(start, end);
  };
}

function place(
  box: blessed.Widgets.BoxElement,
  rect: { left: number; top: number; width: number; height: number },
) {
  box.left = rect.left;
  box.top = rect.top;
  box.width = rect.width;
  box.height = rect.height;
}

import { afterEach, describe, expect, it } from "vitest";
import { ChatApp } from "../app/chat-app.js";
import { NAME_PALETTE } from "../app/colours.js";
import { type Key, keyAction } from "../app/keys.js";
import type { Row } from "../app/style.js";
import { displayWidth } from "../app/width.js";
import { FakeClient } from "../test-support/fake-client.js";
import { FakeTtyInput, FakeTtyOutput } from "../test-support/fake-tty.js";
import { computeLayout } from "./layout.js";
import { BlessedView } from "./screen.js";

const views: BlessedView[] = [];
afterEach(() => {
  for (const view of views.splice(0)) view.destroy();
});

function makeView(columns = 80, rows = 12) {
  const input = new FakeTtyInput();
  const output = new FakeTtyOutput(columns, rows);
  const view = new BlessedView({ input, output, terminal: "xterm-256color" });
  views.push(view);
  return { view, input, output };
}

function frameOf(columns: number, rows: number, log: Row[]) {
  return {
    layout: computeLayout(columns, rows, 5),
    log,
    users: [
      [{ text: "Users (2)" }],
      [{ text: "alice", style: { fg: "green" } }],
      [{ text: "bob" }],
    ],
    status: [{ text: " [alice] [127.0.0.1:9999]", style: { fg: "white", bg: "blue" } }],
    prompt: "> ",
    input: { before: "typed", at: "", after: "" },
  };
}

/** Columns of each screen row, counting the cell blessed keeps after a wide character. */
function borderColumns(view: BlessedView): number[] {
  const lines = (view.screen as unknown as { lines: Array<Array<[number, string]>> }).lines;
  return lines.map((line) => line.findIndex((cell) => cell[1] === "│"));
}

describe("BlessedView", () => {
  it("lays out log, user list, status line and input line", () => {
    const { view } = makeView(80, 12);
    view.paint(frameOf(80, 12, [[{ text: "12:00 <bob> hello" }]]));
    const text = view.text();
    expect(text[0]).toMatch(/^12:00 <bob> hello\s+│ Users \(2\)\s*$/);
    expect(text[1]).toMatch(/^\s+│ alice\s*$/);
    expect(text[10]).toMatch(/^ \[alice\] \[127\.0\.0\.1:9999\]/);
    expect(text[11]).toMatch(/^> typed/);
    expect(borderColumns(view).slice(0, 10)).toEqual(Array(10).fill(68));
  });

  it("shows blessed tag syntax in text literally instead of obeying it", () => {
    const { view } = makeView();
    view.paint(frameOf(80, 12, [[{ text: "{red-fg}not red{/red-fg} {bold}" }]]));
    expect(view.text()[0]).toContain("{red-fg}not red{/red-fg} {bold}");
  });

  it("gives each character the cells the terminal draws it in, so columns stay aligned", () => {
    const { view } = makeView();
    const texts = ["中文 text", "emoji 😀👍 here", "watch ⌚ ok", "accent e\u0301 ok", "𝐀 math"];
    view.paint(
      frameOf(
        80,
        12,
        texts.map((text) => [{ text: `${text}#` }]),
      ),
    );
    const lines = (view.screen as unknown as { lines: Array<Array<[number, string]>> }).lines;
    texts.forEach((text, row) => {
      // The marker after the text sits where the terminal's cursor will be.
      const marker = lines[row]?.findIndex((cell) => cell[1] === "#");
      expect(marker, text).toBe(displayWidth(text));
    });
    expect(borderColumns(view).slice(0, 10)).toEqual(Array(10).fill(68));
  });

  it("writes a changed row out whole, so no stale cell survives next to a wide character", async () => {
    const { view, output } = makeView();
    const flushed = () => new Promise((resolve) => setImmediate(resolve));
    view.paint(frameOf(80, 12, [[{ text: "中文 alpha beta" }]]));
    await flushed();
    output.written = "";
    view.paint(frameOf(80, 12, [[{ text: "中文 alpha betA" }]]));
    await flushed();
    expect(output.written).toContain("中文 alpha betA");
  });

  it("reports keys: letters, emoji, Enter once, arrows, Tab and Ctrl-C", async () => {
    const { view, input } = makeView();
    const keys: Key[] = [];
    view.onKey((key) => keys.push(key));
    for (const chunk of ["a", "😀", "\r", "\u001b[A", "\u001b[6~", "\t", "\u0003"]) {
      input.write(chunk);
      await new Promise((resolve) => setImmediate(resolve));
    }
    const actions = keys.map(keyAction).filter((action) => action !== undefined);
    expect(actions).toEqual([
      { insert: "a" },
      { insert: "😀" },
      "submit",
      "history-previous",
      "page-down",
      "complete",
      "quit",
    ]);
  });

  it("reports the window keys as a terminal sends them: Alt+digit, Ctrl-N, Ctrl-P", async () => {
    const { view, input } = makeView();
    const keys: Key[] = [];
    view.onKey((key) => keys.push(key));
    for (const chunk of ["\u001b2", "\u001b0", "\u000e", "\u0010"]) {
      input.write(chunk);
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(keys.map(keyAction)).toEqual([
      { window: 2 },
      { window: 10 },
      "next-window",
      "previous-window",
    ]);
  });

  it("reports Alt+A and Alt+Left/Right in the forms terminals send them", async () => {
    const { view, input } = makeView();
    const keys: Key[] = [];
    view.onKey((key) => keys.push(key));
    // xterm and tmux: CSI 1;3 D/C; rxvt and others: ESC before the arrow.
    for (const chunk of [
      "\u001ba",
      "\u001b[1;3D",
      "\u001b[1;3C",
      "\u001b\u001b[D",
      "\u001b\u001b[C",
    ]) {
      input.write(chunk);
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(keys.map(keyAction)).toEqual([
      "active-window",
      "previous-window",
      "next-window",
      "previous-window",
      "next-window",
    ]);
  });

  it("follows a resize of the terminal", () => {
    const { view, output } = makeView(80, 12);
    let resized = 0;
    view.onResize(() => resized++);
    output.resize(50, 10);
    expect(resized).toBe(1);
    expect(view.size()).toEqual({ columns: 50, rows: 10 });
  });
});

describe("ChatApp on a headless terminal", () => {
  it("never lets a received escape sequence reach the terminal", async () => {
    const { view, output } = makeView(100, 12);
    const client = new FakeClient();
    client.users = ["evil"];
    const app = new ChatApp({
      client,
      view,
      server: "127.0.0.1:9999",
      name: "me",
      onExit: () => {},
    });
    app.start();
    await new Promise((resolve) => setTimeout(resolve, 5));
    output.written = "";
    client.fire("broadcast", {
      from: "ev\u001b]0;x\u0007il",
      message: "\u001b[2J\u001b[31mboom\u202e!",
      self: false,
    });
    app.renderNow();
    expect(output.written).not.toContain("\u001b[2J");
    expect(output.written).not.toContain("\u001b]0;x");
    expect(output.written).not.toContain("\u202e");
    const line = view.text().find((text) => text.includes("boom"));
    expect(line).toContain("<ev\\x1b]0;x\\x07il> \\x1b[2J\\x1b[31mboom<U+202E>!");
  });

  it("reflows the log and hides the user list when the terminal narrows", async () => {
    const { view, output } = makeView(100, 12);
    const client = new FakeClient();
    const app = new ChatApp({
      client,
      view,
      server: "127.0.0.1:9999",
      name: "me",
      onExit: () => {},
    });
    view.onResize(() => app.renderNow());
    app.start();
    await new Promise((resolve) => setTimeout(resolve, 5));
    client.fire("broadcast", {
      from: "bob",
      message: "alpha beta gamma delta epsilon zeta eta theta",
      self: false,
    });
    app.renderNow();
    expect(view.text().join("\n")).toContain("│ Users");
    output.resize(40, 12);
    const text = view.text();
    expect(text.join("\n")).not.toContain("│ Users");
    expect(text.some((line) => line.startsWith("            "))).toBe(true);
    for (const line of text) expect(line.trimEnd().length).toBeLessThanOrEqual(40);
  });
});

describe("BlessedView colours", () => {
  /** The SGR colour codes blessed wrote, e.g. ["38;5;245", "32"]. */
  const colourCodes = (written: string) =>
    [...written.matchAll(/\x1b\[([0-9;]+)m/g)].flatMap((match) =>
      (match[1] as string).split(";").length > 1 && (match[1] as string).includes("38;5")
        ? [(match[1] as string).slice((match[1] as string).indexOf("38;5"))]
        : (match[1] as string).split(";"),
    );

  const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

  /** Paints a grey timestamp; the colour codes of what reached the terminal (blessed buffers). */
  async function paintGrey(terminal: string) {
    const input = new FakeTtyInput();
    const output = new FakeTtyOutput(80, 12);
    const view = new BlessedView({ input, output, terminal });
    views.push(view);
    await settle();
    view.paint(frameOf(80, 12, [[{ text: "12:00 ", style: { fg: "grey" } }, { text: "hi" }]]));
    await settle();
    expect(output.written).toContain("12:00");
    return { view, codes: colourCodes(output.written) };
  }

  for (const terminal of ["tmux-256color", "screen-256color", "xterm-256color"]) {
    it(`${terminal}: 256 colours, greys from the 256-colour ramp, never colour 0 for text`, async () => {
      const { view, codes } = await paintGrey(terminal);
      expect(view.colours).toBe(256);
      expect(codes.some((code) => /^38;5;2(4[4-9]|5[0-2])$/.test(code))).toBe(true);
      expect(codes).not.toContain("30");
      expect(codes).not.toContain("90");
    });
  }

  it("a TERM ending in -256color whose entry cannot be found still gets 256 colours", async () => {
    const { view } = await paintGrey("nosuchterm-256color");
    expect(view.colours).toBe(256);
  });

  it("linux (8 colours): grey text in the default colour, not black", async () => {
    const { view, codes } = await paintGrey("linux");
    expect(view.colours).toBe(8);
    expect(codes).not.toContain("30");
  });
});

describe("BlessedView name colours", () => {
  it("tmux-256color: the twelve name colours stay twelve (they folded to six on 8 colours)", async () => {
    const output = new FakeTtyOutput(80, 20);
    const view = new BlessedView({ input: new FakeTtyInput(), output, terminal: "tmux-256color" });
    views.push(view);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const rows = NAME_PALETTE.map((colour, i) => [{ text: `name${i}`, style: { fg: colour } }]);
    view.paint(frameOf(80, 20, rows));
    await new Promise((resolve) => setTimeout(resolve, 5));
    const codes = new Set<string>();
    for (const [i] of NAME_PALETTE.entries()) {
      const at = output.written.indexOf(`name${i}`);
      const before = output.written.slice(0, at);
      codes.add(before.slice(before.lastIndexOf("\u001b[")));
    }
    expect(codes.size).toBe(NAME_PALETTE.length);
  });
});

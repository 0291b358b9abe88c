import { ChatApp, type ChatAppOptions, type Frame, type View } from "../app/chat-app.js";
import type { Key } from "../app/keys.js";
import { plain } from "../app/style.js";
import { FakeClient } from "./fake-client.js";

/*
 * A ChatApp on a FakeClient and a view that records frames: headless screen tests that
 * type keys and read the screen back as text.
 */

export class RecordingView implements View {
  frames: Frame[] = [];
  bells = 0;
  constructor(
    public columns = 100,
    public rows = 20,
  ) {}
  size() {
    return { columns: this.columns, rows: this.rows };
  }
  paint(frame: Frame) {
    this.frames.push(frame);
  }
  bell() {
    this.bells++;
  }
  redraw() {}
}

/** Log rows back into lines: a wrapped row continues the line above it. */
export const unwrap = (rows: string[]) => rows.map((row) => row.trim()).join(" ");

export const tick = () => new Promise((resolve) => setImmediate(resolve));

export async function started(name: string | null = "me", extra: Partial<ChatAppOptions> = {}) {
  const client = new FakeClient();
  client.users = ["bob", "alice"];
  const view = new RecordingView();
  const exits: number[] = [];
  const app = new ChatApp({
    client,
    view,
    server: "127.0.0.1:9999",
    ...(name ? { name } : {}),
    onExit: (code) => exits.push(code),
    now: () => new Date(2026, 10, 26, 12, 30),
    ...extra,
  });
  app.start();
  await tick();
  await tick();
  const type = async (text: string, ...keys: Array<string | Key>) => {
    for (const ch of text) app.handleKey({ name: ch, ch });
    for (const key of keys) app.handleKey(typeof key === "string" ? ({ name: key } as Key) : key);
    await tick();
    await tick();
  };
  const log = () => app.frame().log.map(plain);
  const status = () => plain(app.frame().status);
  const users = () => app.frame().users.map(plain);
  return { client, view, app, exits, type, log, status, users };
}

import { ChatClient } from "@chat/client";
import { ChatApp } from "./app/chat-app.js";
import { reasonOf } from "./app/connection.js";
import { clientOptions, type Options } from "./args.js";
import { crashHandler } from "./crash.js";
import { BlessedView } from "./ui/screen.js";

export function serverLabel(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Runs the full-screen client until /quit, Ctrl-C or a signal. */
export async function runTui(options: Options): Promise<void> {
  let client: ChatClient;
  try {
    client = await ChatClient.open(clientOptions(options));
  } catch (error) {
    process.stderr.write(`chat: cannot open a socket to ${options.host}: ${reasonOf(error)}\n`);
    process.exit(1);
  }
  let view: BlessedView | undefined;
  let app: ChatApp | undefined;
  // The terminal went away (window closed, ssh dropped): log out without drawing.
  const hangUp = () => {
    view?.detach();
    if (app) void app.session.quit();
    else process.exit(0);
  };
  // Installed before blessed's own handler, which steps aside when another exists.
  const crash = crashHandler({
    restore: () => view?.destroy(),
    write: (text) => process.stderr.write(text),
    exit: (code) => process.exit(code),
    terminalGone: hangUp,
  });
  process.on("uncaughtException", crash);
  process.on("unhandledRejection", crash);

  view = new BlessedView();
  const screen = view;
  app = new ChatApp({
    client,
    view: screen,
    server: serverLabel(options.host, options.port),
    ...(options.name !== undefined ? { name: options.name } : {}),
    onExit: (code) => {
      screen.destroy();
      process.exit(code);
    },
  });
  const chat = app;
  screen.onKey((key) => chat.handleKey(key));
  screen.onResize(() => chat.renderNow());
  process.on("SIGINT", () => void chat.session.quit());
  process.on("SIGTERM", () => void chat.session.quit());
  process.on("SIGHUP", hangUp);
  chat.start();
}

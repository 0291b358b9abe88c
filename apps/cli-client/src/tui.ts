import { ChatClient } from "@chat/client";
import { ChatApp } from "./app/chat-app.js";
import { reasonOf } from "./app/connection.js";
import type { Options } from "./args.js";
import { BlessedView } from "./ui/screen.js";

export function serverLabel(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Runs the full-screen client until /quit, Ctrl-C or a signal. */
export async function runTui(options: Options): Promise<void> {
  let client: ChatClient;
  try {
    client = await ChatClient.open({ host: options.host, port: options.port });
  } catch (error) {
    process.stderr.write(`chat: cannot open a socket to ${options.host}: ${reasonOf(error)}\n`);
    process.exit(1);
  }
  const view = new BlessedView();
  const restore = () => view.destroy();
  // The terminal went away (window closed, ssh dropped): log out without drawing.
  const hangUp = () => {
    view.detach();
    void app.session.quit();
  };
  // A crash must leave a usable terminal behind before the error is printed.
  const crash = (error: unknown) => {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    if (code === "EIO" || code === "EPIPE") return hangUp();
    restore();
    process.stderr.write(
      `chat: crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(70);
  };
  process.on("uncaughtException", crash);
  process.on("unhandledRejection", crash);

  const app = new ChatApp({
    client,
    view,
    server: serverLabel(options.host, options.port),
    ...(options.name !== undefined ? { name: options.name } : {}),
    onExit: (code) => {
      restore();
      process.exit(code);
    },
  });
  view.onKey((key) => app.handleKey(key));
  view.onResize(() => app.renderNow());
  process.on("SIGINT", () => void app.session.quit());
  process.on("SIGTERM", () => void app.session.quit());
  process.on("SIGHUP", hangUp);
  app.start();
}

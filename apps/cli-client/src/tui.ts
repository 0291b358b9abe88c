import { ChatClient } from "@chat/client";
import { sanitizeLine } from "@chat/client/cli";
import { ChatApp } from "./app/chat-app.js";
import { reasonOf } from "./app/connection.js";
import { Ignores } from "./app/ignores.js";
import { clientOptions, type Options, serverLabel } from "./args.js";
import { crashHandler } from "./crash.js";
import { type LoadedConfig, updateConfig } from "./files/config.js";
import { ConversationLogs, logsDir } from "./files/conversation-logs.js";
import { HistoryStore, historyPath } from "./files/history-store.js";
import { BlessedView } from "./ui/screen.js";

/** Runs the full-screen client until /quit, Ctrl-C or a signal. */
export async function runTui(options: Options, loaded: LoadedConfig): Promise<void> {
  let client: ChatClient;
  try {
    client = await ChatClient.open(clientOptions(options));
  } catch (error) {
    process.stderr.write(
      `chat: ${sanitizeLine(`cannot open a socket to ${options.host}: ${reasonOf(error)}`)}\n`,
    );
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

  const server = serverLabel(options.host, options.port);
  const history = HistoryStore.open(historyPath(process.env));
  const logs = new ConversationLogs(logsDir(process.env), server);
  view = new BlessedView();
  const screen = view;
  app = new ChatApp({
    client,
    view: screen,
    server,
    ...(options.name !== undefined ? { name: options.name } : {}),
    openClient: (host, port) => ChatClient.open({ ...clientOptions(options), host, port }),
    timestamps: loaded.config.timestamps !== false,
    colours: loaded.config.colours !== false,
    problems: [...loaded.problems, ...(history.problem ? [history.problem] : [])],
    history: history.store,
    logs,
    ignores: new Ignores(loaded.config.ignore ?? [], (names) =>
      updateConfig(loaded.path, "ignore", names),
    ),
    ...(loaded.config.aliases ? { aliases: loaded.config.aliases } : {}),
    ...(loaded.config.highlight ? { highlight: loaded.config.highlight } : {}),
    ...(loaded.config.bell ? { bell: loaded.config.bell } : {}),
    autolog: loaded.config.autolog === true,
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

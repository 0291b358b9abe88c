import { checkName } from "@chat/protocol";
import type { ConversationLogs } from "../files/conversation-logs.js";
import type { Command } from "./commands.js";
import type { Session } from "./session.js";
import type { Windows } from "./windows.js";

export interface WindowContext {
  windows: Windows;
  session: Session;
  /** Where /log on writes; undefined: nowhere. */
  logs: ConversationLogs | undefined;
}

/** The commands about windows, which never reach the server; false for the others. */
export function runWindowCommand(command: Command, context: WindowContext): boolean {
  const { windows, session } = context;
  const answer = (text: string, level: "info" | "error" = "info") =>
    session.notice(text, level, "current");
  switch (command.kind) {
    case "none":
      return true;
    case "clear":
      windows.current.log.clear();
      return true;
    case "query":
      query(command.user, context);
      return true;
    case "window":
      if (!windows.select(command.number)) {
        answer(`no window ${command.number} (there are ${windows.count})`, "error");
      }
      return true;
    case "close":
      if (!windows.close(windows.current)) {
        answer("window 1 is the room; it cannot be closed (/quit leaves)", "error");
      }
      return true;
    case "log":
      logSwitch(command.on, context);
      return true;
    case "windows":
      for (const line of windowList(windows)) answer(line);
      return true;
    case "ignore":
      ignore(command.user, context);
      return true;
    case "unignore": {
      const { removed, problem } = session.ignores.remove(command.user);
      if (removed === undefined) answer(`${command.user} is not ignored`, "error");
      else answer(`no longer ignoring ${removed}`);
      if (problem) answer(problem, "error");
      return true;
    }
    default:
      return false;
  }
}

/** /window list: one line per window, as irssi's. */
function windowList(windows: Windows): string[] {
  return windows.all.map((window) => {
    const number = windows.numberOf(window);
    const notes = [
      window === windows.current ? "current" : undefined,
      window.gone ? "left" : undefined,
      window.activity === "highlight"
        ? "news for you"
        : window.activity === "text"
          ? "news"
          : undefined,
    ].filter((note) => note !== undefined);
    return `${number}: ${window.isRoom ? "room" : window.label}${notes.length > 0 ? ` (${notes.join(", ")})` : ""}`;
  });
}

/** /ignore: without a name lists; with one, hides that user's messages from now on. */
function ignore(user: string | undefined, { session }: WindowContext): void {
  const answer = (text: string, level: "info" | "error" = "info") =>
    session.notice(text, level, "current");
  if (user === undefined) {
    const names = session.ignores.names;
    answer(names.length === 0 ? "ignoring nobody" : `ignoring ${names.join(", ")}`);
    return;
  }
  const reason = checkName(user);
  if (reason !== undefined) {
    answer(`/ignore: username is invalid: ${reason}`, "error");
    return;
  }
  const known = session.ignores.find(user);
  const { added, problem } = session.ignores.add(user);
  if (!added) answer(`already ignoring ${known ?? user}`, "error");
  else answer(`ignoring ${user} (and names that look the same); /unignore ${user} undoes it`);
  if (problem) answer(problem, "error");
}

/** /query: opens (or shows again) the user's window; says if they are not online. */
function query(user: string, { windows, session }: WindowContext): void {
  const reason = checkName(user);
  if (reason !== undefined) {
    session.notice(`/query: username is invalid: ${reason}`, "error", "current");
    return;
  }
  const known = windows.find(user);
  const window = windows.query(user);
  windows.show(window);
  if (known) return;
  const online = !session.registered || session.roster.has(user);
  window.gone = !online;
  session.notice(
    online ? `talking to ${user}; plain text goes to them only` : `${user} is not online`,
    online ? "info" : "error",
    { peer: user },
  );
}

function logSwitch(on: boolean, { session, logs }: WindowContext): void {
  const answer = (text: string, level: "info" | "error" = "info") =>
    session.notice(text, level, "current");
  if (!logs) {
    answer("/log: this client has nowhere to write logs", "error");
  } else if (!on) {
    logs.stop();
    answer("logging off");
  } else {
    logs.server = session.server;
    const problem = logs.start();
    if (problem) answer(problem, "error");
    else
      answer(
        `logging the room and each query to ${logs.fileFor(undefined).replace(/room\.log$/u, "")}`,
      );
  }
}

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
    default:
      return false;
  }
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

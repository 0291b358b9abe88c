import { foldName } from "@chat/protocol";
import type { Command } from "./commands.js";
import { reasonOf } from "./connection.js";
import { ACTION_PREFIX } from "./format.js";
import { helpLines } from "./help.js";
import { changeName, moveServer } from "./moves.js";
import { formatRtt } from "./panes.js";
import type { Session } from "./session.js";

/**
 * Runs a command typed in the chat phase; `peer` is the other user of the query window
 * it was typed in (plain text goes to them), undefined in the room.
 */
export async function runCommand(
  session: Session,
  command: Command,
  peer: string | undefined,
): Promise<void> {
  const answer = (text: string, level: "info" | "error" = "info") =>
    session.notice(text, level, "current");
  switch (command.kind) {
    case "error":
      return answer(command.text, "error");
    case "help":
      for (const text of helpLines()) answer(text);
      return;
    case "quit":
      return session.quit();
    case "who":
      return session.who(true, "current");
    case "info":
      try {
        const info = await session.client.info();
        session.rttMs = info.rttMs;
        answer(`server: ${info.text} (rtt ${formatRtt(info.rttMs)})`);
      } catch (error) {
        answer(`/info: ${reasonOf(error)}`, "error");
      }
      return;
    case "nick":
      return changeName(session, command.name);
    case "server":
      return moveServer(session, command.address);
    case "me": {
      const action = `${ACTION_PREFIX}${command.text}`;
      if (peer !== undefined) return session.sendPrivate(peer, action);
      return session.broadcast(action);
    }
    case "broadcast":
      if (peer !== undefined) return session.sendPrivate(peer, command.text);
      return session.broadcast(command.text);
    case "msg": {
      // Echoed where it was typed too, unless that is already the user's own window.
      const inTheirWindow = peer !== undefined && foldName(peer) === foldName(command.to);
      return session.sendPrivate(command.to, command.text, inTheirWindow ? undefined : "current");
    }
    default:
      return; // window commands are the app's
  }
}

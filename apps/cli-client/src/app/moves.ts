import { checkName } from "@chat/protocol";
import { parseServer, serverLabel, UsageError } from "../args.js";
import { type ChatConnection, reasonOf } from "./connection.js";
import type { Session } from "./session.js";

/*
 * /nick and /server: a change of who we are or where, each through the SDK, each leaving
 * things as they were when the server says no.
 */

/** /nick: the SDK's rename (LOGOUT, REGISTER the new name, the old one back if refused). */
export async function changeName(session: Session, name: string): Promise<void> {
  const answer = (text: string, level: "info" | "error" = "info") =>
    session.notice(text, level, "current");
  const reason = checkName(name);
  if (reason !== undefined) return answer(`username is invalid: ${reason}`, "error");
  const old = session.name;
  answer(`Changing your name to ${name}…`);
  try {
    await session.client.rename(name);
  } catch (error) {
    // Without a name now, the SDK's "refused" event has already asked for one.
    if (session.name === undefined) return;
    return answer(
      `cannot change your name to ${name}: ${reasonOf(error)}; you are still ${old}`,
      "error",
    );
  }
  session.renamed(old);
  answer(`You are now ${session.name}.`);
}

/**
 * /server: opens a client to the other server and registers our name there first, so a
 * refusal leaves us where we were; then leaves the old server (LOGOUT, close).
 */
export async function moveServer(session: Session, address: string): Promise<void> {
  const fail = (text: string) => session.notice(text, "error", "current");
  let target: { host: string; port: number };
  try {
    target = parseServer(address, "/server");
  } catch (error) {
    if (error instanceof UsageError) return fail(error.message);
    throw error;
  }
  const open = session.openClient;
  if (!open) return fail("/server: this client cannot move");
  const label = serverLabel(target.host, target.port);
  if (label === session.server) return fail(`already on ${label}`);
  const name = session.name;
  session.notice(`Moving to ${label}…`, "info", "current");
  let next: ChatConnection;
  try {
    next = await open(target.host, target.port);
  } catch (error) {
    return fail(`cannot move to ${label}: ${reasonOf(error)}; still on ${session.server}`);
  }
  if (name !== undefined) {
    try {
      await next.register(name);
    } catch (error) {
      await next.close({ logout: false }).catch(() => undefined);
      return fail(`cannot move to ${label}: ${reasonOf(error)}; still on ${session.server}`);
    }
  }
  const previous = session.client;
  session.adopt(next, label);
  void previous.close().catch(() => undefined); // a LOGOUT frees the name there at once
  if (name === undefined) {
    session.notice(`Now on ${label}. Choose a name and press Enter.`);
    return;
  }
  session.notice(`You are ${name} on ${label}.`);
  await session.refresh();
}

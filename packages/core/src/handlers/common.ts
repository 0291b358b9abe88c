import { checkMessageBytes, messageRefusal } from "@chat/protocol";
import { Verdict } from "../rate-limits.js";
import { NOT_REGISTERED, RATE_LIMITED } from "../refusals.js";
import type { Request, UserRequest } from "../request.js";
import type { ServerState } from "../server-state.js";

/** Refuses with `not registered` when the sender holds no name; narrows the request. */
export function requireUser(state: ServerState, req: Request): req is UserRequest {
  if (req.user !== undefined) return true;
  state.out.refuse(NOT_REGISTERED, req);
  return false;
}

/** A message the rules accept; otherwise `message is invalid: <reason>` and false. */
export function acceptMessage(state: ServerState, req: Request, message: Uint8Array): boolean {
  const reason = checkMessageBytes(message, state.settings.maxMessageBytes);
  if (reason === undefined) return true;
  state.out.refuseWith(messageRefusal(reason), req);
  return false;
}

/**
 * An answer of `bytes` to the request's sender, if its 3x budget pays for it (revision 3; a
 * checked or trusted sender's always does). Otherwise the answer is dropped and counted, and
 * `rate limited` goes out instead if the budget still pays for that.
 */
export function affordAnswer(state: ServerState, req: UserRequest, bytes: number): boolean {
  if (state.out.afford(req.user, bytes)) return true;
  state.counters.drops["reply-budget"]++;
  state.out.reply(RATE_LIMITED.packet, req);
  return false;
}

/** A packet over a limit: counted, dropped, and at most once a second `rate limited`. */
export function overLimit(state: ServerState, req: Request, verdict: Verdict): void {
  state.counters.drops["rate-limited"]++;
  if (verdict !== Verdict.DropAndNotify) return;
  state.out.event({
    type: "dropped",
    endpoint: req.user?.endpoint ?? req.from,
    reason: "rate-limited",
  });
  state.out.reply(RATE_LIMITED.packet, req);
}

import { encodeFrame, Opcode } from "@chat/protocol";
import { Verdict } from "../rate-limits.js";
import type { Request } from "../request.js";
import type { ServerState } from "../server-state.js";
import { acceptMessage, affordAnswer, overLimit, requireUser } from "./common.js";

/** BROADCAST: one BROADCAST_FWD, encoded once, to the shared array of every user. */
export function broadcast(state: ServerState, req: Request, message: Uint8Array): void {
  if (!requireUser(state, req) || !acceptMessage(state, req, message)) return;
  const verdict = state.limits.admitBroadcast(req.key, req.now);
  if (verdict !== Verdict.Admit) {
    overLimit(state, req, verdict);
    return;
  }
  const forward = encodeFrame(Opcode.BROADCAST_FWD, [req.user.nameBytes, message]);
  // The sender's own copy answers its request: an unchecked sender pays it from its 3x budget.
  if (!affordAnswer(state, req, forward.length)) return;
  state.counters.broadcasts++;
  if (state.cluster?.publishBroadcast(forward) === true) return;
  state.out.send(forward, state.registry.endpoints());
}

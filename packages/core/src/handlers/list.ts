import type { Request } from "../request.js";
import type { ServerState } from "../server-state.js";
import { affordAnswer, requireUser } from "./common.js";

/**
 * LIST_REQUEST: every name, oldest first, in as many LIST_RESPONSEs as it takes. An unchecked
 * user's list must fit its 3x budget (revision 3); over it: `rate limited`, and the list
 * still reaches it with the periodic push.
 */
export function list(state: ServerState, req: Request): void {
  if (!requireUser(state, req) || !affordAnswer(state, req, state.lists.bytes())) return;
  for (const packet of state.lists.get()) state.out.send(packet, req.user.self);
}

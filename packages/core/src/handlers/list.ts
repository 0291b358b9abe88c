import { RATE_LIMITED } from "../refusals.js";
import type { Request } from "../request.js";
import type { ServerState } from "../server-state.js";
import { requireUser } from "./common.js";

/**
 * LIST_REQUEST: every name, oldest first, in as many LIST_RESPONSEs as it takes. An unchecked
 * user's list must fit its 3x budget (revision 3); over it: `rate limited`, and the list
 * still reaches it with the periodic push.
 */
export function list(state: ServerState, req: Request): void {
  if (!requireUser(state, req)) return;
  const packets = state.lists.get();
  const user = req.user;
  if (user.replyBudget !== Infinity) {
    let bytes = 0;
    for (const packet of packets) bytes += packet.length;
    if (!state.out.afford(user, bytes)) {
      state.counters.drops["reply-budget"]++;
      state.out.reply(RATE_LIMITED.packet, req);
      return;
    }
  }
  for (const packet of packets) state.out.send(packet, user.self);
}

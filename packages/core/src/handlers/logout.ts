import { OK_PACKET } from "../replies.js";
import type { Request } from "../request.js";
import type { ServerState } from "../server-state.js";

/**
 * LOGOUT: frees the sender's name if it holds one, and always answers OK (in a cluster,
 * once the name is free on every node).
 */
export function logout(state: ServerState, req: Request): void {
  const user = req.user;
  if (user === undefined) {
    state.out.reply(OK_PACKET, req);
    return;
  }
  state.registry.remove(user);
  state.counters.loggedOut++;
  state.out.event({ type: "left", name: user.name, endpoint: user.endpoint });
  if (state.cluster !== undefined) state.cluster.loggedOut(user);
  else state.out.reply(OK_PACKET, req);
}

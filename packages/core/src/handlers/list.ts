import type { Request } from "../request.js";
import type { ServerState } from "../server-state.js";
import { requireUser } from "./common.js";

/** LIST_REQUEST: every name, oldest first, in as many LIST_RESPONSEs as it takes. */
export function list(state: ServerState, req: Request): void {
  if (!requireUser(state, req)) return;
  for (const packet of state.lists.get()) state.out.send(packet, req.user.self);
}

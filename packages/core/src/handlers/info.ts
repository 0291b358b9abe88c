import type { Request } from "../request.js";
import type { ServerState } from "../server-state.js";

/** INFO_REQUEST, from anyone: the INFO_RESPONSE of this second. */
export function info(state: ServerState, req: Request): void {
  state.out.reply(state.info.get(req.now), req);
}

import { ErrorText, foldName, nameRefusal, nameSkeleton, parseName } from "@chat/protocol";
import { addressGroupKey } from "../ip-address.js";
import { BANNED, SERVER_FULL, TOO_MANY_FROM_ADDRESS, USERNAME_TAKEN } from "../refusals.js";
import { OK_PACKET } from "../replies.js";
import type { Request } from "../request.js";
import type { ServerState } from "../server-state.js";

/** REGISTER (docs/protocol.md#4-who-is-who): the rows of the REGISTER table, in order. */
export function register(state: ServerState, req: Request, nameBytes: Uint8Array): void {
  const { out, registry } = state;
  const name = parseName(nameBytes);
  if (name === undefined) {
    out.refuseWith(nameRefusal(nameBytes), req);
    return;
  }
  const folded = foldName(name);
  const user = req.user;
  if (user !== undefined) {
    // A refreshing REGISTER (the name held here): OK, free of the per-IP REGISTER limit.
    if (user.folded === folded) out.reply(OK_PACKET, req);
    else out.refuseWith({ text: ErrorText.alreadyRegisteredAs(user.name) }, req);
    return;
  }
  // Equal folds have equal skeletons, so one look-up refuses a taken name and a look-alike.
  const skeleton = nameSkeleton(folded);
  if (state.deny.bansSkeleton(skeleton)) {
    out.refuse(BANNED, req);
    return;
  }
  if (registry.bySkeletonKey(skeleton) !== undefined) {
    out.refuse(USERNAME_TAKEN, req);
    return;
  }
  if (registry.size >= state.settings.maxUsers) {
    out.refuse(SERVER_FULL, req);
    return;
  }
  const groupKey = addressGroupKey(req.from.address);
  if (tooManyFrom(state, req, groupKey)) {
    out.refuse(TOO_MANY_FROM_ADDRESS, req);
    return;
  }
  if (state.cluster !== undefined) {
    state.cluster.claim({ name, folded, skeleton }, req, groupKey);
    return;
  }
  const added = registry.add({ name, folded, skeleton }, req.from, req.key, groupKey, req.now);
  state.counters.registered++;
  out.event({ type: "joined", name: added.name, endpoint: added.endpoint });
  // The endpoint holds a name now, so its OK skips the reply limit; what a forged REGISTER
  // can reflect is bounded by the per-IP REGISTER caps instead.
  req.user = added;
  out.reply(OK_PACKET, req);
}

/** The per-IP caps: names held, then REGISTERs in the last minute (only new names count). */
function tooManyFrom(state: ServerState, req: Request, groupKey: string): boolean {
  if (!state.limits.limitsAddress(req.from.address)) return false;
  if (state.registry.countInGroup(groupKey) >= state.settings.maxUsersPerIp) return true;
  return !state.limits.admitRegister(groupKey, req.now);
}

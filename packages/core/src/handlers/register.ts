import { ErrorText, foldName, lookAlikeKey, nameRefusal, parseName } from "@chat/protocol";
import { addressGroupKey } from "../ip-address.js";
import { BANNED, SERVER_FULL, TOO_MANY_FROM_ADDRESS, USERNAME_TAKEN } from "../refusals.js";
import { type Session, TRUSTED } from "../registry.js";
import { OK_PACKET, smallErrorPacket } from "../replies.js";
import type { Request } from "../request.js";
import type { ServerState } from "../server-state.js";

/**
 * REGISTER (docs/protocol.md#4-who-is-who): the rows of the REGISTER table, in order, the
 * address check of revision 3 first. `cookie` is the optional `0x00 cookie` after the name;
 * `size` the datagram's, the start of an unchecked user's 3x budget.
 */
export function register(
  state: ServerState,
  req: Request,
  nameBytes: Uint8Array,
  cookie: Uint8Array | undefined,
  size: number,
): void {
  const { out, registry } = state;
  if (req.user === undefined) {
    const session = admit(state, req, cookie, size);
    if (session === undefined) return;
    registerNew(state, req, nameBytes, session);
    return;
  }
  const user = req.user;
  const name = parseName(nameBytes);
  if (name === undefined) {
    out.refuseWith(nameRefusal(nameBytes), req);
    return;
  }
  // A refreshing REGISTER (the name held here): OK, free of the per-IP REGISTER limit. A
  // checked user's keep-alive carries its token; a plain one is a harmless refresh too.
  if (user.folded === foldName(name)) {
    registry.touch(user, req.now);
    out.reply(OK_PACKET, req);
  } else out.refuseWith({ text: ErrorText.alreadyRegisteredAs(user.name) }, req);
}

/**
 * The address check: the session a nameless endpoint's REGISTER may start, or undefined
 * when it was answered with a challenge. A cookie is checked in every mode; a plain
 * REGISTER from an exempt network never is, and elsewhere only as the policy says.
 */
function admit(
  state: ServerState,
  req: Request,
  cookie: Uint8Array | undefined,
  size: number,
): Session | undefined {
  const { counters, tokens, policy, limits } = state;
  if (cookie !== undefined) {
    if (cookie.length > 0 && tokens.verify(cookie, req.from, req.now)) {
      counters.tokensAccepted++;
      return { token: Uint8Array.from(cookie), replyBudget: Infinity };
    }
    if (cookie.length > 0) counters.tokensRefused++;
    challenge(state, req);
    return undefined;
  }
  if (limits.isExempt(req.from.address) || !policy.boundsReplies) return TRUSTED;
  if (policy.challengesPlain(req.now)) {
    challenge(state, req);
    return undefined;
  }
  return { token: undefined, replyBudget: 3 * size };
}

/** ERROR `address check: <token>`: small, and under the nameless reply limit like any. */
function challenge(state: ServerState, req: Request): void {
  state.counters.challenges++;
  const text = ErrorText.addressCheck(state.tokens.mint(req.from, req.now));
  // Not an event: under a flood a challenge is the common answer, counted, never logged.
  state.out.reply(smallErrorPacket(text), req);
}

function registerNew(state: ServerState, req: Request, nameBytes: Uint8Array, session: Session) {
  const { out, registry } = state;
  const name = parseName(nameBytes);
  if (name === undefined) {
    out.refuseWith(nameRefusal(nameBytes), req);
    return;
  }
  const folded = foldName(name);
  // A taken name (equal fold) or a look-alike (equal key): two look-ups (revision 3).
  const skeleton = lookAlikeKey(name, folded);
  if (state.deny.bansName(folded, skeleton)) {
    out.refuse(BANNED, req);
    return;
  }
  if (registry.clashesWith(folded, skeleton)) {
    out.refuse(USERNAME_TAKEN, req);
    return;
  }
  if (registry.size >= state.settings.maxUsers) {
    out.refuse(SERVER_FULL, req);
    return;
  }
  const groupKey = addressGroupKey(req.from.address);
  const checked = session.token !== undefined;
  if (tooManyFrom(state, req, groupKey, checked)) {
    out.refuse(TOO_MANY_FROM_ADDRESS, req);
    return;
  }
  if (state.cluster !== undefined) {
    state.cluster.claim({ name, folded, skeleton }, req, groupKey, session);
    return;
  }
  const added = registry.add(
    { name, folded, skeleton },
    req.from,
    req.key,
    groupKey,
    req.now,
    session,
  );
  joined(state, req, added);
}

/** A name is added: counted, told, answered (in a cluster, once the claim is settled). */
export function joined(state: ServerState, req: Request, added: Request["user"] & object): void {
  state.counters.registered++;
  if (added.replyBudget !== Infinity) state.policy.arrived(req.now);
  state.out.event({ type: "joined", name: added.name, endpoint: added.endpoint });
  // The endpoint holds a name now, so its OK skips the reply limit; an unchecked one's is
  // paid from its 3x budget, a forged REGISTER's from the REGISTER itself.
  req.user = added;
  state.out.reply(OK_PACKET, req);
}

/**
 * The per-IP caps: names held (with claims still in flight in a cluster), then REGISTERs in
 * the last minute (only new names count). Checked and plain names are counted apart, so
 * forged plain REGISTERs can never keep a checked user of the same address out.
 */
function tooManyFrom(state: ServerState, req: Request, groupKey: string, checked: boolean) {
  if (!state.limits.limitsAddress(req.from.address)) return false;
  const held =
    state.registry.countInGroup(groupKey, checked) +
    (state.cluster?.claimsInGroup(groupKey, checked) ?? 0);
  if (held >= state.settings.maxUsersPerIp) return true;
  return !state.limits.admitRegister(groupKey, checked, req.now);
}

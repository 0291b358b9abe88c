import {
  checkMessageBytes,
  decodeUtf8,
  ErrorText,
  encodeFrame,
  messageRefusal,
  Opcode,
  type ProtocolErrorCode,
} from "@chat/protocol";
import type { ClaimOutcome, Directory, PrivateOutcome } from "./directory.js";
import type { Outbox } from "./outbox.js";
import { refusal, SERVER_FULL, USERNAME_TAKEN } from "./refusals.js";
import type { NameForms, Registry, Session, User } from "./registry.js";
import { OK_PACKET } from "./replies.js";
import type { Request, UserRequest } from "./request.js";
import type { Counters } from "./stats.js";
import type { Endpoint } from "./types.js";

interface PendingClaim {
  readonly name: NameForms;
  readonly endpoint: Endpoint;
  readonly key: string;
  readonly groupKey: string;
  readonly session: Session;
}

interface PendingPrivate {
  readonly user: User;
  /** The receiver as sent, for `user not found: <name>`. */
  readonly receiverText: string;
  /** Set when the message is invalid: the receiver is still checked first (protocol order). */
  readonly messageError?: { readonly text: string; readonly code?: ProtocolErrorCode };
}

const CLUSTER_UNAVAILABLE = refusal(ErrorText.CLUSTER_UNAVAILABLE);

/**
 * What core does differently in cluster mode, kept in one place: names are claimed through
 * the directory before they are added, broadcasts go out in the cluster's order, PRIVATEs
 * to users of other nodes are routed, and the list holds every node's users.
 */
export class ClusterSeam {
  private nextId = 1;
  private readonly claims = new Map<number, PendingClaim>();
  /** Endpoint key, folded name and look-alike key → claim id, of the claims in flight. */
  private readonly claimByKey = new Map<string, number>();
  private readonly claimByFolded = new Map<string, number>();
  private readonly claimBySkeleton = new Map<string, number>();
  /** Claims in flight per address group, checked and plain apart: the per-IP caps count them. */
  private readonly claimsPerGroup = new Map<string, number>();
  private readonly privates = new Map<number, PendingPrivate>();
  /** LOGOUTs whose OK waits for the release: the endpoint that held the name. */
  private readonly logouts = new Map<number, Endpoint>();

  constructor(
    readonly directory: Directory,
    private readonly registry: Registry,
    private readonly out: Outbox,
    private readonly counters: Counters,
    private readonly maxMessageBytes: number,
    /** What a settled claim does with its new user: handlers/register.ts's `joined`. */
    private readonly onJoined: (req: Request, added: User) => void,
  ) {}

  /** A REGISTER of a new name that passed every local rule: claimed, answered when settled. */
  claim(name: NameForms, req: Request, groupKey: string, session: Session): void {
    // A retransmitted REGISTER while its claim is in flight: the outcome will answer it.
    if (this.claimByKey.has(req.key)) return;
    // The name, or a look-alike of it, is being claimed for another endpoint here.
    if (this.claimByFolded.has(name.folded) || this.claimBySkeleton.has(name.skeleton)) {
      this.out.refuse(USERNAME_TAKEN, req);
      return;
    }
    if (!this.directory.isAvailable()) {
      this.out.refuse(CLUSTER_UNAVAILABLE, req);
      return;
    }
    const id = this.nextId++;
    const endpoint = { address: req.from.address, port: req.from.port };
    this.claims.set(id, { name, endpoint, key: req.key, groupKey, session });
    this.claimByKey.set(req.key, id);
    this.claimByFolded.set(name.folded, id);
    this.claimBySkeleton.set(name.skeleton, id);
    this.countClaim(groupKey, session, 1);
    this.directory.claim({ id, ...name, endpoint });
  }

  settleClaim(id: number, outcome: ClaimOutcome, now: number): void {
    const claim = this.claims.get(id);
    if (claim === undefined) return;
    this.claims.delete(id);
    this.claimByKey.delete(claim.key);
    this.claimByFolded.delete(claim.name.folded);
    this.claimBySkeleton.delete(claim.name.skeleton);
    this.countClaim(claim.groupKey, claim.session, -1);
    const req: Request = { from: claim.endpoint, key: claim.key, user: undefined, now };
    if (outcome === "ok") {
      const { name, endpoint, key, groupKey, session } = claim;
      this.onJoined(req, this.registry.add(name, endpoint, key, groupKey, now, session));
    } else if (outcome === "taken") this.out.refuse(USERNAME_TAKEN, req);
    else if (outcome === "full") this.out.refuse(SERVER_FULL, req);
    else this.out.refuse(CLUSTER_UNAVAILABLE, req);
  }

  /** Claims in flight from one address group, checked or plain. */
  claimsInGroup(groupKey: string, checked: boolean): number {
    return this.claimsPerGroup.get(`${checked ? "c" : "p"}${groupKey}`) ?? 0;
  }

  private countClaim(groupKey: string, session: Session, delta: number): void {
    const key = `${session.token !== undefined ? "c" : "p"}${groupKey}`;
    const count = (this.claimsPerGroup.get(key) ?? 0) + delta;
    if (count > 0) this.claimsPerGroup.set(key, count);
    else this.claimsPerGroup.delete(key);
  }

  /** An expiry: the name is released; nobody waits for an answer. */
  released(user: User): void {
    this.directory.release(user.name, user.folded);
  }

  /**
   * A LOGOUT: the name is released and the OK waits until the release has reached the
   * cluster, so no PRIVATE through another node can still find the name after it.
   */
  loggedOut(user: User): void {
    const id = this.nextId++;
    this.logouts.set(id, user.endpoint);
    this.directory.release(user.name, user.folded, id);
  }

  settleRelease(id: number): void {
    const endpoint = this.logouts.get(id);
    if (endpoint === undefined) return;
    this.logouts.delete(id);
    // It held the name when its LOGOUT arrived, so its OK skips the nameless reply limit.
    this.out.send(OK_PACKET, [endpoint]);
  }

  /** A broadcast accepted from a local user; false: deliver it locally now. */
  publishBroadcast(forward: Uint8Array): boolean {
    return this.directory.publishBroadcast(forward);
  }

  /** A PRIVATE whose receiver (valid, folded) holds no name on this node. */
  sendPrivate(req: UserRequest, folded: string, receiver: Uint8Array, message: Uint8Array) {
    if (!this.directory.isAvailable()) {
      this.out.refuse(CLUSTER_UNAVAILABLE, req);
      return;
    }
    // The name as sent: the handler has just proved it valid UTF-8.
    const receiverText = decodeUtf8(receiver) as string;
    const reason = checkMessageBytes(message, this.maxMessageBytes);
    const id = this.nextId++;
    if (reason !== undefined) {
      this.privates.set(id, { user: req.user, receiverText, messageError: messageRefusal(reason) });
      this.directory.sendPrivate({ id, receiverFolded: folded });
      return;
    }
    this.privates.set(id, { user: req.user, receiverText });
    const forward = encodeFrame(Opcode.PRIVATE_FWD, [req.user.nameBytes, message]);
    this.directory.sendPrivate({ id, receiverFolded: folded, forward });
  }

  settlePrivate(id: number, outcome: PrivateOutcome, now: number): void {
    const pending = this.privates.get(id);
    if (pending === undefined) return;
    this.privates.delete(id);
    const { user } = pending;
    const req: Request = { from: user.endpoint, key: user.key, user, now };
    if (outcome === "unavailable") this.out.refuse(CLUSTER_UNAVAILABLE, req);
    else if (outcome === "not-found") {
      this.out.refuseWith({ text: ErrorText.userNotFound(pending.receiverText) }, req);
    } else if (pending.messageError !== undefined) this.out.refuseWith(pending.messageError, req);
    else {
      this.counters.privates++;
      this.out.reply(OK_PACKET, req);
    }
  }

  /** A broadcast in the cluster's order, to every local user. */
  deliverBroadcast(forward: Uint8Array): void {
    this.out.send(forward, this.registry.endpoints());
  }

  /** A PRIVATE_FWD from another node, for a local user (nothing if it has gone meanwhile). */
  deliverPrivate(receiverFolded: string, forward: Uint8Array): void {
    const target = this.registry.byFoldedName(receiverFolded);
    if (target !== undefined) this.out.send(forward, target.self);
  }

  /** The cluster gave this local user's name to someone else: ERROR, and the user is out. */
  evict(folded: string): void {
    const user = this.registry.byFoldedName(folded);
    if (user === undefined) return;
    this.out.send(USERNAME_TAKEN.packet, user.self);
    this.registry.remove(user);
    this.counters.loggedOut++;
    this.out.event({ type: "left", name: user.name, endpoint: user.endpoint });
  }
}

import { randomBytes } from "node:crypto";
import type {
  Claim,
  ClaimOutcome,
  Datagram,
  Directory,
  PrivateOutcome,
  RemotePrivate,
} from "@chat/core";
import { foldName, lookAlikeKey } from "@chat/protocol";
import { Redis } from "ioredis";
import { type BusMessage, parseBusMessage, parsePrivate } from "./bus.js";
import { BusOrder } from "./bus-order.js";
import type { ClusterHost, ClusterLogger, ClusterStats } from "./host.js";
import { CLUSTER_DEFAULTS, type ClusterOptions, checkPrefix, redisOptions } from "./options.js";
import { parseEntry, Roster } from "./roster.js";
import { ScriptRunner } from "./script-runner.js";

const SYNC_RETRY_MS = 500;
const quiet: ClusterLogger = { info: () => {}, warn: () => {} };

/**
 * The Redis-backed Directory: one node of a cluster. Names are claimed by Lua scripts fenced
 * by a lease; broadcasts and membership changes travel on one pub/sub channel numbered by a
 * counter (one total order); PRIVATEs go to the owning node's channel. Nothing is queued
 * while Redis is away: the node serves its own users alone, and resyncs when it is back.
 */
export class RedisDirectory implements Directory {
  readonly node: string;
  readonly #prefix: string;
  readonly #leaseMs: number;
  readonly #renewMs: number;
  readonly #maxUsers: number;
  readonly #log: ClusterLogger;
  readonly #cmd: Redis;
  readonly #sub: Redis;
  readonly #roster = new Roster();
  readonly #bus: string;
  readonly #inbox: string;
  readonly #scripts: ScriptRunner;
  readonly #order = new BusOrder({
    apply: (message) => this.#apply(message),
    deliver: (forward) => this.#output((core) => core.deliverBroadcast(forward)),
    gap: () => this.#requestSync(),
  });
  #host: ClusterHost | undefined;
  /** This life's fencing token; undefined while not joined. */
  #token: string | undefined;
  #synced = false;
  #subscribed = false;
  #syncing: Promise<void> | undefined;
  #syncAgain = false;
  #closed = false;
  #renewTimer: NodeJS.Timeout | undefined;
  #retryTimer: NodeJS.Timeout | undefined;
  /** Folded names of claims in flight: a rejoin must not release them. */
  readonly #claiming = new Map<number, string>();
  #firstSync: (() => void) | undefined;
  readonly #counts = { broadcastsPublished: 0, broadcastsLost: 0, syncs: 0 };

  constructor(
    options: ClusterOptions & { readonly maxUsers: number; readonly logger?: ClusterLogger },
  ) {
    this.node = options.nodeId ?? randomBytes(6).toString("hex");
    this.#prefix = checkPrefix(options.prefix ?? CLUSTER_DEFAULTS.prefix);
    this.#leaseMs = options.leaseMs ?? CLUSTER_DEFAULTS.leaseMs;
    this.#renewMs = options.renewMs ?? CLUSTER_DEFAULTS.renewMs;
    this.#maxUsers = options.maxUsers;
    this.#log = options.logger ?? quiet;
    const redis = redisOptions(
      options.url,
      options.commandTimeoutMs ?? CLUSTER_DEFAULTS.commandTimeoutMs,
    );
    this.#cmd = new Redis(redis);
    this.#sub = new Redis(redis);
    this.#scripts = new ScriptRunner(this.#cmd, this.#prefix);
    this.#bus = `${this.#prefix}bus`;
    this.#inbox = `${this.#prefix}node:${this.node}`;
  }

  /** Connects and joins; resolves once joined or after `waitMs` (the node then serves alone). */
  async start(host: ClusterHost, waitMs = 5000): Promise<boolean> {
    this.#host = host;
    const joined = new Promise<void>((resolve) => {
      this.#firstSync = resolve;
    });
    this.#cmd.on("ready", () => this.#requestSync());
    this.#cmd.on("close", () => this.#lostConnection("command"));
    this.#cmd.on("error", () => {}); // "close" follows; reconnecting is ioredis's job
    this.#sub.on("ready", () => this.#requestSync());
    this.#sub.on("close", () => this.#lostConnection("subscriber"));
    this.#sub.on("error", () => {});
    this.#sub.on("messageBuffer", (channel: Buffer, message: Buffer) =>
      this.#onMessage(channel, message),
    );
    this.#cmd.connect().catch(() => {});
    this.#sub.connect().catch(() => {});
    this.#renewTimer = setInterval(() => this.#renew(), this.#renewMs).unref();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), waitMs);
    });
    const ok = await Promise.race([joined.then(() => true), late]);
    clearTimeout(timer);
    if (!ok)
      this.#log.warn({ node: this.node }, "cluster unavailable at start: serving local users only");
    return ok;
  }

  /** Frees this node's names everywhere (when Redis is there) and disconnects. */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#renewTimer);
    clearTimeout(this.#retryTimer);
    const token = this.#token;
    this.#token = undefined;
    if (token !== undefined && this.#cmd.status === "ready") {
      await this.#scripts.run("LEAVE", [this.node, token]).catch(() => {});
    }
    this.#cmd.disconnect();
    this.#sub.disconnect();
  }

  /**
   * Drops the connections without leaving: what a crash looks like to the other nodes,
   * which reap this one when its lease runs out.
   */
  abandon(): void {
    this.#closed = true;
    clearInterval(this.#renewTimer);
    clearTimeout(this.#retryTimer);
    this.#token = undefined;
    this.#cmd.disconnect();
    this.#sub.disconnect();
  }

  stats(): ClusterStats {
    return {
      node: this.node,
      available: this.isAvailable(),
      users: this.#roster.size,
      ...this.#counts,
      busMessagesMissed: this.#order.missed,
    };
  }

  // --- Directory ---

  isAvailable(): boolean {
    return (
      this.#token !== undefined &&
      this.#synced &&
      this.#cmd.status === "ready" &&
      this.#sub.status === "ready"
    );
  }

  claim(claim: Claim): void {
    const token = this.#token;
    if (token === undefined) {
      this.#settleClaim(claim.id, "unavailable");
      return;
    }
    this.#claiming.set(claim.id, claim.folded);
    const args = [
      this.node,
      token,
      claim.folded,
      claim.skeleton,
      claim.name,
      String(this.#maxUsers),
    ];
    this.#scripts.run("CLAIM", args).then(
      (result) => {
        this.#claiming.delete(claim.id);
        const seq = Number(result);
        if (seq > 0) {
          this.#roster.put({
            node: this.node,
            regSeq: seq,
            folded: claim.folded,
            name: claim.name,
          });
          this.#settleClaim(claim.id, "ok");
        } else if (seq === -2) this.#settleClaim(claim.id, "taken");
        else if (seq === -3) this.#settleClaim(claim.id, "full");
        else {
          this.#settleClaim(claim.id, "unavailable");
          this.#lost("fenced");
        }
      },
      () => {
        this.#claiming.delete(claim.id);
        this.#settleClaim(claim.id, "unavailable");
        this.#lost("claim failed");
      },
    );
  }

  release(_name: string, folded: string, id?: number): void {
    this.#roster.remove(folded, this.node);
    const settle = () => {
      if (id !== undefined) this.#output((core) => core.settleRelease(id));
    };
    const token = this.#token;
    // Without a token the next join releases it: the name is not among the users it re-claims.
    if (token === undefined) {
      settle();
      return;
    }
    const args = [this.node, token, folded];
    this.#scripts.run("RELEASE", args).then(
      (result) => {
        if (Number(result) === -1) this.#lost("fenced");
        settle();
      },
      () => {
        settle();
        this.#lost("release failed");
      },
    );
  }

  publishBroadcast(forward: Uint8Array): boolean {
    const token = this.#token;
    if (token === undefined || !this.isAvailable()) return false;
    this.#scripts.run("BROADCAST", [this.node, token, asBuffer(forward)]).then(
      (result) => {
        if (Number(result) !== -1) {
          this.#counts.broadcastsPublished++;
          return;
        }
        // Fenced: published nowhere, so this node's users get it now.
        this.#output((core) => core.deliverBroadcast(forward));
        this.#lost("fenced");
      },
      () => {
        // It may or may not have reached Redis: delivering it here could make it twice.
        this.#counts.broadcastsLost++;
        this.#lost("broadcast failed");
      },
    );
    return true;
  }

  sendPrivate(request: RemotePrivate): void {
    const token = this.#token;
    if (token === undefined) {
      this.#settlePrivate(request.id, "unavailable");
      return;
    }
    const { receiverFolded: folded, forward } = request;
    const payload = forward === undefined ? "" : asBuffer(forward);
    const args = [this.node, token, folded, payload];
    this.#scripts.run("PRIVATE", args).then(
      (result) => {
        const code = Number(result);
        if (code === -1) this.#lost("fenced");
        this.#settlePrivate(
          request.id,
          code === 1 ? "found" : code === 0 ? "not-found" : "unavailable",
        );
      },
      () => {
        this.#settlePrivate(request.id, "unavailable");
        this.#lost("private failed");
      },
    );
  }

  listVersion(): number {
    return this.#roster.version;
  }

  listNames(): readonly Uint8Array[] {
    return this.#roster.names();
  }

  // --- membership ---

  #renew(): void {
    const token = this.#token;
    if (token === undefined || this.#cmd.status !== "ready") return;
    this.#scripts.run("RENEW", [this.node, token, String(this.#leaseMs)]).then(
      (result) => {
        if (Number(result) === -1 && this.#token === token) this.#lost("lease lost");
      },
      () => this.#lost("renew failed"),
    );
  }

  #lostConnection(which: string): void {
    if (which === "subscriber") this.#subscribed = false;
    if (this.#token !== undefined && !this.#closed) {
      this.#log.warn(
        { node: this.node, connection: which },
        "cluster unavailable: Redis connection lost",
      );
    }
    this.#token = undefined;
    this.#synced = false;
  }

  /** Something proved this node's standing wrong: stop claiming, rejoin and resync. */
  #lost(reason: string): void {
    if (this.#closed) return;
    if (this.#token !== undefined) this.#log.warn({ node: this.node, reason }, "cluster resync");
    this.#token = undefined;
    this.#requestSync();
  }

  #requestSync(): void {
    if (this.#closed) return;
    if (this.#syncing !== undefined) {
      this.#syncAgain = true;
      return;
    }
    this.#syncing = this.#syncLoop().finally(() => {
      this.#syncing = undefined;
    });
  }

  async #syncLoop(): Promise<void> {
    do {
      this.#syncAgain = false;
      if (this.#closed || this.#cmd.status !== "ready" || this.#sub.status !== "ready") return;
      try {
        await this.#sync();
      } catch (error) {
        this.#token = undefined;
        this.#synced = false;
        this.#order.abandon();
        this.#log.warn({ node: this.node, err: error }, "cluster sync failed; retrying");
        clearTimeout(this.#retryTimer);
        this.#retryTimer = setTimeout(() => this.#requestSync(), SYNC_RETRY_MS).unref();
        return;
      }
    } while (this.#syncAgain);
  }

  /** Join (new token, re-claim this node's users), then take a snapshot of everyone. */
  async #sync(): Promise<void> {
    const host = this.#host as ClusterHost;
    this.#synced = false;
    this.#order.hold();
    await this.#scripts.load();
    if (!this.#subscribed) {
      await this.#sub.subscribe(this.#bus, this.#inbox);
      this.#subscribed = true;
    }
    const token = randomBytes(12).toString("hex");
    const names = host.core.users();
    const folded = names.map((name) => foldName(name));
    const args = [this.node, token, String(this.#leaseMs), String(names.length)];
    for (const [i, name] of names.entries()) {
      const f = folded[i] as string;
      args.push(f, lookAlikeKey(name), name);
    }
    // Then the folded names of claims in flight, which the join must leave alone.
    args.push(...this.#claiming.values());
    const claimed = (await this.#scripts.run("JOIN", args)) as number[];
    this.#token = token;
    const evicted: string[] = [];
    for (const [i, seq] of claimed.entries()) {
      if (seq > 0) continue;
      evicted.push(names[i] as string);
      this.#output((core) => core.evict(folded[i] as string));
    }
    // Users who left while the join was in flight were re-claimed: release them again.
    const now = new Set(host.core.users());
    for (const [i, name] of names.entries()) {
      if (!now.has(name) && (claimed[i] as number) > 0) this.release(name, folded[i] as string);
    }
    const snapshot = (await this.#scripts.run("SNAPSHOT", [])) as [number, ...string[]];
    const [seq, ...entries] = snapshot;
    this.#roster.reset(entries.map(parseEntry).filter((e) => e !== undefined));
    this.#order.resume(seq);
    this.#synced = true;
    this.#counts.syncs++;
    this.#log.info(
      {
        node: this.node,
        users: names.length - evicted.length,
        cluster: this.#roster.size,
        evicted,
      },
      "cluster joined",
    );
    this.#firstSync?.();
    this.#firstSync = undefined;
  }

  // --- the bus ---

  #onMessage(channel: Buffer, message: Buffer): void {
    const name = channel.toString("latin1");
    if (name === this.#inbox) {
      const delivery = parsePrivate(message);
      if (delivery !== undefined) {
        this.#output((core) => core.deliverPrivate(delivery.folded, delivery.forward));
      }
      return;
    }
    if (name !== this.#bus) return;
    const parsed = parseBusMessage(message);
    if (parsed !== undefined) this.#order.receive(parsed);
  }

  /** The next bus message, in the cluster's one order. */
  #apply(message: BusMessage): void {
    switch (message.kind) {
      case "B":
        this.#output((core) => core.deliverBroadcast(message.forward));
        return;
      case "J":
        if (message.entry.node !== this.node) this.#roster.put(message.entry);
        return;
      case "L":
        if (message.node !== this.node) {
          this.#roster.remove(message.folded, message.node, message.regSeq);
        }
        return;
      case "N":
        if (message.node === this.node) this.#lost("reaped while away");
        else {
          // A peer whose lease ran out: its users are gone from every list.
          this.#log.info({ node: this.node, peer: message.node }, "cluster peer reaped");
          this.#roster.removeNode(message.node);
        }
        return;
    }
  }

  // --- back to core ---

  #settleClaim(id: number, outcome: ClaimOutcome): void {
    this.#output((core, now) => core.settleClaim(id, outcome, now));
  }

  #settlePrivate(id: number, outcome: PrivateOutcome): void {
    this.#output((core, now) => core.settlePrivate(id, outcome, now));
  }

  #output(step: (core: ClusterHost["core"], now: number) => readonly Datagram[]): void {
    const host = this.#host;
    if (host === undefined) return;
    host.output(step(host.core, host.now()));
  }
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

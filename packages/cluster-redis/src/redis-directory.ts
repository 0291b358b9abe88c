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
import { isTimeout, ScriptRunner } from "./script-runner.js";
import { buildScripts } from "./scripts.js";

const SYNC_RETRY_MS = 500;
/** How long one XREAD waits for news before it is sent again. */
const READ_BLOCK_MS = 2000;
/** Entries one XREAD takes at most: a node catching up does it in batches. */
const READ_BATCH = 512;
/** While the reader cannot read (not connected, not joined yet), it looks again this often. */
const READER_IDLE_MS = 50;
const quiet: ClusterLogger = { info: () => {}, warn: () => {} };

/** Where the reader is in the bus and in this node's inbox (stream entry ids). */
interface Cursor {
  bus: string;
  inbox: string;
}

/** XREAD's answer: per stream, its name and [id, [field, value]] entries. */
type StreamReply = [Buffer, [Buffer, Buffer[]][]][];

/**
 * The Redis-backed Directory: one node of a cluster. Names are claimed by Lua scripts fenced
 * by a lease; broadcasts and membership changes travel on one Redis stream numbered by a
 * counter (one total order); PRIVATEs go to the owning node's inbox stream. Each node reads
 * both with XREAD BLOCK on a connection of its own, from the last entry it took, so a node
 * that fell behind, lost its connection or followed a failover takes what it missed, in
 * order, once. Nothing is queued while Redis is away: the node serves its own users alone,
 * and resyncs when it is back.
 */
export class RedisDirectory implements Directory {
  readonly node: string;
  readonly #prefix: string;
  readonly #leaseMs: number;
  readonly #renewMs: number;
  readonly #maxUsers: number;
  readonly #log: ClusterLogger;
  readonly #cmd: Redis;
  /** The reader's own connection: XREAD BLOCK holds it. */
  readonly #reader: Redis;
  readonly #roster = new Roster();
  readonly #bus: string;
  readonly #inbox: string;
  readonly #scripts: ScriptRunner;
  readonly #order = new BusOrder({
    apply: (message) => this.#apply(message),
    gap: () => this.#requestSync(),
  });
  /** Undefined until the first join says where to start reading. */
  #cursor: Cursor | undefined;
  /** Bumped when a sync moves the cursor: what a read in flight returns then is stale. */
  #cursorMoves = 0;
  /** The epoch of the Redis data this node last joined (scripts.ts). */
  #epoch: string | undefined;
  #host: ClusterHost | undefined;
  /** This life's fencing token; undefined while not joined. */
  #token: string | undefined;
  #synced = false;
  #syncing: Promise<void> | undefined;
  #syncAgain = false;
  #closed = false;
  #renewTimer: NodeJS.Timeout | undefined;
  #retryTimer: NodeJS.Timeout | undefined;
  /** Folded names of claims in flight: a rejoin must not release them. */
  readonly #claiming = new Map<number, string>();
  #firstSync: (() => void) | undefined;
  #readerUp = false;
  /** How many JOINs this node has sent: each is numbered, so a late one changes nothing. */
  #joins = 0;
  readonly #counts = {
    broadcastsPublished: 0,
    broadcastsLost: 0,
    syncs: 0,
    busMessagesDropped: 0,
  };

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
    // A blocked XREAD must not time out; a connection that answers nothing for longer does.
    this.#reader = new Redis({
      ...redis,
      commandTimeout: READ_BLOCK_MS + (redis.commandTimeout ?? CLUSTER_DEFAULTS.commandTimeoutMs),
    });
    const scripts = buildScripts({
      bus: options.busLength ?? CLUSTER_DEFAULTS.busLength,
      inbox: options.inboxLength ?? CLUSTER_DEFAULTS.inboxLength,
    });
    this.#scripts = new ScriptRunner(this.#cmd, this.#prefix, scripts);
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
    // The reader goes on from its cursor when it is back: losing it needs no rejoin (the
    // node is unavailable meanwhile: isAvailable asks for it).
    this.#reader.on("ready", () => {
      this.#readerUp = true;
    });
    this.#reader.on("close", () => {
      if (this.#readerUp && !this.#closed) {
        this.#log.warn(
          { node: this.node, connection: "reader" },
          "cluster unavailable: Redis connection lost",
        );
      }
      this.#readerUp = false;
    });
    this.#reader.on("error", () => {});
    const reading = new Promise<void>((resolve) => this.#reader.once("ready", () => resolve()));
    this.#cmd.connect().catch(() => {});
    this.#reader.connect().catch(() => {});
    void this.#readLoop();
    this.#renewTimer = setInterval(() => this.#renew(), this.#renewMs).unref();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), waitMs);
    });
    const ok = await Promise.race([Promise.all([joined, reading]).then(() => true), late]);
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
    this.#reader.disconnect();
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
    this.#reader.disconnect();
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
      this.#reader.status === "ready"
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
          this.#lost("fenced", token);
        }
      },
      () => {
        this.#claiming.delete(claim.id);
        this.#settleClaim(claim.id, "unavailable");
        this.#lost("claim failed", token);
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
        if (Number(result) === -1) this.#lost("fenced", token);
        settle();
      },
      () => {
        settle();
        this.#lost("release failed", token);
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
        this.#lost("fenced", token);
      },
      () => {
        // It may or may not have reached Redis: delivering it here could make it twice.
        this.#counts.broadcastsLost++;
        this.#lost("broadcast failed", token);
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
        if (code === -1) this.#lost("fenced", token);
        this.#settlePrivate(
          request.id,
          code === 1 ? "found" : code === 0 ? "not-found" : "unavailable",
        );
      },
      () => {
        this.#settlePrivate(request.id, "unavailable");
        this.#lost("private failed", token);
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
        if (Number(result) === -1) this.#lost("lease lost", token);
      },
      () => this.#lost("renew failed", token),
    );
  }

  #lostConnection(which: string): void {
    if (this.#token !== undefined && !this.#closed) {
      this.#log.warn(
        { node: this.node, connection: which },
        "cluster unavailable: Redis connection lost",
      );
    }
    this.#token = undefined;
    this.#synced = false;
  }

  /**
   * Something proved this node's standing wrong: stop claiming, rejoin and resync. With the
   * token a command was sent with: nothing to do if the node has rejoined (or begun to)
   * since, as that sync settles it (a second one would only keep the node out longer).
   */
  #lost(reason: string, token?: string): void {
    if (this.#closed || (token !== undefined && token !== this.#token)) return;
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
      if (this.#closed || this.#cmd.status !== "ready") return;
      try {
        await this.#sync();
      } catch (error) {
        this.#token = undefined;
        this.#synced = false;
        this.#log.warn({ node: this.node, err: error }, "cluster sync failed; retrying");
        clearTimeout(this.#retryTimer);
        this.#retryTimer = setTimeout(() => this.#requestSync(), SYNC_RETRY_MS).unref();
        return;
      }
    } while (this.#syncAgain);
  }

  /**
   * Join (new token, re-claim this node's users), then take a snapshot of everyone and of
   * where the streams stand. The reader goes on from its cursor unless the numbering went
   * back: Redis lost everything (a new epoch: read its new streams from the start) or lost
   * the last entries (a replica promoted before it had them: go on from where it stands).
   */
  async #sync(): Promise<void> {
    const host = this.#host as ClusterHost;
    this.#synced = false;
    this.#order.hold();
    await this.#scripts.load();
    const token = randomBytes(12).toString("hex");
    const names = host.core.users();
    const folded = names.map((name) => foldName(name));
    const join = String(++this.#joins);
    const args = [this.node, token, String(this.#leaseMs), String(names.length), join];
    for (const [i, name] of names.entries()) {
      const f = folded[i] as string;
      args.push(f, lookAlikeKey(name, f), name);
    }
    // Then the folded names of claims in flight, which the join must leave alone.
    args.push(...this.#claiming.values());
    const claimed = (await this.#scripts.run("JOIN", args)) as number[] | number;
    if (!Array.isArray(claimed)) throw new Error("a newer join of this node ran first");
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
    const snapshot = (await this.#scripts.run("SNAPSHOT", [this.node])) as [
      number,
      string,
      string,
      string,
      ...string[],
    ];
    const [seq, epoch, busId, inboxId, ...entries] = snapshot;
    this.#roster.reset(entries.map(parseEntry).filter((e) => e !== undefined));
    if (this.#epoch === undefined || this.#cursor === undefined || seq < this.#order.position) {
      this.#moveCursor({ bus: busId, inbox: inboxId });
      this.#order.resume(seq, seq);
    } else if (epoch !== this.#epoch) {
      this.#moveCursor({ bus: "0-0", inbox: "0-0" });
      this.#order.resume(seq, 0);
    } else this.#order.resume(seq);
    this.#epoch = epoch;
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

  #moveCursor(cursor: Cursor): void {
    this.#cursor = cursor;
    this.#cursorMoves++;
  }

  // --- the bus ---

  /**
   * Reads the bus and this node's inbox for as long as the node runs: XREAD BLOCK from the
   * last entries taken. A failed read is tried again once the connection is back (its loss
   * has made the node resync meanwhile).
   */
  async #readLoop(): Promise<void> {
    while (!this.#closed) {
      const cursor = this.#cursor;
      if (cursor === undefined || this.#reader.status !== "ready") {
        await sleep(READER_IDLE_MS);
        continue;
      }
      const moves = this.#cursorMoves;
      let reply: StreamReply | null;
      try {
        reply = (await this.#reader.xreadBuffer(
          "COUNT",
          READ_BATCH,
          "BLOCK",
          READ_BLOCK_MS,
          "STREAMS",
          this.#bus,
          this.#inbox,
          cursor.bus,
          cursor.inbox,
        )) as StreamReply | null;
      } catch (error) {
        // A read that timed out on a live-looking connection: the link is gone without a
        // word (a partition). Reconnecting makes it a loss the node notices.
        if (isTimeout(error) && this.#reader.status === "ready") this.#reader.disconnect(true);
        await sleep(READER_IDLE_MS);
        continue;
      }
      if (reply === null || moves !== this.#cursorMoves || this.#closed) continue;
      for (const [key, entries] of reply) {
        const isBus = key.toString("latin1") === this.#bus;
        for (const [id, fields] of entries) {
          if (isBus) cursor.bus = id.toString("latin1");
          else cursor.inbox = id.toString("latin1");
          const body = fields[1];
          if (body === undefined) this.#counts.busMessagesDropped++;
          else if (isBus) this.#onBus(body);
          else this.#onPrivate(body);
        }
      }
    }
  }

  #onBus(body: Buffer): void {
    const message = parseBusMessage(body);
    if (message === undefined) this.#counts.busMessagesDropped++;
    else this.#order.receive(message);
  }

  #onPrivate(body: Buffer): void {
    const delivery = parsePrivate(body);
    if (delivery === undefined) this.#counts.busMessagesDropped++;
    else this.#output((core) => core.deliverPrivate(delivery.folded, delivery.forward));
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
      case "X":
        this.#counts.busMessagesDropped++;
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

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

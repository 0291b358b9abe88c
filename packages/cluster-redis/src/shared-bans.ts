import { Redis } from "ioredis";
import { CLUSTER_DEFAULTS, checkPrefix, redisOptions } from "./options.js";

/** One ban every node of the cluster applies: its entry as written and when it ends. */
export interface SharedBan {
  /** The entry's identity (the same network, the same name in any form): the hash field. */
  readonly key: string;
  /** As the operator wrote it: `203.0.113.7`, `10.0.0.0/8`, `name:Mallory`. */
  readonly entry: string;
  /** Epoch ms it ends; undefined: until lifted. */
  readonly until?: number;
}

export interface SharedBanEvents {
  /** The bans in force in the cluster, whole, after any node changed them (and on connect). */
  bans(bans: readonly SharedBan[]): void;
  /** An operator asked every node to remove this user (by name, compared folded). */
  kick(name: string): void;
}

type AdminMessage = { readonly op: "bans" } | { readonly op: "kick"; readonly name: string };

/**
 * The operator's bans and kicks across a cluster, apart from the directory: a hash of bans
 * (`<prefix>bans`) every node reads when it connects and whenever a node announces a change
 * on `<prefix>admin`, which also carries kicks. Connections of its own, so it changes
 * nothing of how the directory talks to Redis.
 */
export class SharedBans {
  readonly #cmd: Redis;
  readonly #sub: Redis;
  readonly #hash: string;
  readonly #channel: string;

  constructor(
    url: string,
    prefix: string,
    private readonly events: SharedBanEvents,
    commandTimeoutMs: number = CLUSTER_DEFAULTS.commandTimeoutMs,
  ) {
    const options = redisOptions(url, commandTimeoutMs);
    this.#cmd = new Redis(options);
    this.#sub = new Redis(options); // subscribes again itself on every "ready"
    this.#hash = `${checkPrefix(prefix)}bans`;
    this.#channel = `${prefix}admin`;
  }

  start(): void {
    this.#cmd.on("error", () => {}); // the daemon's RedisWatch says why
    this.#sub.on("error", () => {});
    this.#cmd.on("ready", () => void this.#read());
    this.#sub.on("ready", () => {
      this.#sub.subscribe(this.#channel).then(
        () => this.#read(),
        () => {},
      );
    });
    this.#sub.on("message", (_channel: string, text: string) => this.#onMessage(text));
    this.#cmd.connect().catch(() => {});
    this.#sub.connect().catch(() => {});
  }

  close(): void {
    this.#cmd.disconnect();
    this.#sub.disconnect();
  }

  /** Adds or replaces a ban everywhere; rejects while Redis is unreachable. */
  async ban(ban: SharedBan): Promise<void> {
    const value = JSON.stringify({ entry: ban.entry, until: ban.until ?? null });
    await this.#cmd.hset(this.#hash, ban.key, value);
    await this.#announce({ op: "bans" });
  }

  /** Lifts a ban everywhere: whether there was one. */
  async unban(key: string): Promise<boolean> {
    const removed = await this.#cmd.hdel(this.#hash, key);
    await this.#announce({ op: "bans" });
    return removed > 0;
  }

  /** Asks every node to remove the user with this name: how many nodes heard it. */
  kick(name: string): Promise<number> {
    return this.#announce({ op: "kick", name });
  }

  #announce(message: AdminMessage): Promise<number> {
    return this.#cmd.publish(this.#channel, JSON.stringify(message));
  }

  #onMessage(text: string): void {
    let message: Partial<AdminMessage & { name: unknown }>;
    try {
      message = JSON.parse(text) as typeof message;
    } catch {
      return; // not ours
    }
    if (message.op === "bans") void this.#read();
    else if (message.op === "kick" && typeof message.name === "string")
      this.events.kick(message.name);
  }

  async #read(): Promise<void> {
    let fields: Record<string, string>;
    try {
      fields = await this.#cmd.hgetall(this.#hash);
    } catch {
      return; // read again on the next connect or announcement
    }
    const now = Date.now();
    const bans: SharedBan[] = [];
    for (const [key, value] of Object.entries(fields)) {
      const ban = parseBan(key, value);
      if (ban === undefined) continue;
      if (ban.until !== undefined && ban.until <= now) {
        this.#cmd.hdel(this.#hash, key).catch(() => {}); // over: whoever sees it first clears it
        continue;
      }
      bans.push(ban);
    }
    this.events.bans(bans);
  }
}

function parseBan(key: string, value: string): SharedBan | undefined {
  try {
    const { entry, until } = JSON.parse(value) as { entry?: unknown; until?: unknown };
    if (typeof entry !== "string") return undefined;
    return typeof until === "number" ? { key, entry, until } : { key, entry };
  } catch {
    return undefined;
  }
}

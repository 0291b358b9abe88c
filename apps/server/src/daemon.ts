import { randomBytes } from "node:crypto";
import type { Socket } from "node:dgram";
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import type { RedisDirectory } from "@chat/cluster-redis";
import {
  ChatServer,
  type CoreStats,
  type Datagram,
  type DenyList,
  type Endpoint,
} from "@chat/core";
import { ActivityLog } from "./activity-log.js";
import { clusterDirectory } from "./cluster.js";
import type { DaemonConfig } from "./config.js";
import type { Transport } from "./fanout.js";
import type { Link, LinkHandlers, Outbound, TransportChoice } from "./link.js";
import type { Logger } from "./logger.js";
import { openLink } from "./open-link.js";
import { redactUrls } from "./redact.js";

export interface DaemonOptions {
  /** Tests: wraps node:dgram's send to inject failures (runs the dgram transport). */
  readonly transport?: (socket: Socket) => Transport;
  /** Tests: makes the native transport's copy to an endpoint fail with this error. */
  readonly nativeFault?: (port: number, address: string) => Error | undefined;
  /** Overrides config.transport. */
  readonly transportChoice?: TransportChoice;
  /** Epoch milliseconds from a monotonic source. */
  readonly clock?: () => number;
  /** How long close() waits for the shutdown notices to leave. */
  readonly shutdownTimeoutMs?: number;
  /** Called when a tick starts a user-list push: its start (clock time), and once it left. */
  readonly onListPush?: (startedAt: number, sent: Promise<void>) => void;
}

/** Everything the stats line reports; counters run from start. */
export interface DaemonStats extends CoreStats {
  /** Sends handed to the socket (one per recipient) and their bytes. */
  readonly sent: number;
  readonly sentBytes: number;
  /** Sends and datagrams still queued for a large fan-out. */
  readonly queuedSends: number;
  /** Failed sends and socket errors by code (ENOBUFS, EMSGSIZE, ...). */
  readonly errors: Readonly<Record<string, number>>;
  /**
   * Times the kernel had no room for a send (EAGAIN, ENOBUFS) and the rest waited for the
   * socket, by code: nothing lost, but the send buffer was full. Native transport only.
   */
  readonly sendWaits: Readonly<Record<string, number>>;
  readonly internalErrors: number;
  /** Cluster mode only. */
  readonly cluster?: ReturnType<RedisDirectory["stats"]>;
}

export interface RunningDaemon {
  readonly address: string;
  readonly port: number;
  /** The transport that runs ("native": recvmmsg/sendmmsg addon; "dgram": node:dgram). */
  readonly transport: "native" | "dgram";
  stats(): DaemonStats;
  /** Tells every user the server is shutting down, waits for that to be sent, closes. */
  close(): Promise<void>;
  /** Why this node cannot take new users now (stopping, cluster unavailable); undefined: it can. */
  notReady(): string | undefined;
  /** The operator's tools (moderation.ts): run core's and send what it answers. */
  deny(list: DenyList): void;
  kick(name: string): boolean;
  members(): ReturnType<ChatServer["members"]>;
}

/** Longest wait between two core ticks, so a user who registered late still expires on time. */
const MAX_TICK_DELAY_MS = 1000;
const MIN_TICK_DELAY_MS = 10;

// Imported, not the global: globalThis.performance is a lazy getter, a call on every read.
const TIME_ORIGIN = performance.timeOrigin;
export const monotonicEpochMs = (): number => TIME_ORIGIN + performance.now();

/** Binds the socket and starts serving; resolves once listening, rejects if binding fails. */
export async function startDaemon(
  config: DaemonConfig,
  logger: Logger,
  options: DaemonOptions = {},
): Promise<RunningDaemon> {
  const secret = readAddressSecret(config.addressSecretFile);
  const directory = await clusterDirectory(config, logger);
  const daemon = new Daemon(config, logger, options, directory, secret);
  const link = await openLink(
    {
      host: config.host,
      port: config.port,
      choice: options.transportChoice ?? config.transport,
      dgramTransport: options.transport,
      nativeFault: options.nativeFault,
    },
    daemon.handlers,
  );
  daemon.start(link);
  await daemon.joinCluster();
  const { address, port } = link;
  // Supervisors, the test kit and the bench wait for this line, so it is written at any
  // level short of silent (a bench runs at warn to keep logging out of its figures).
  const asIs = logger.isLevelEnabled("info") || logger.level === "silent";
  const announcer = asIs ? logger : logger.child({}, { level: "info" });
  announcer.info(
    {
      address,
      port,
      transport: link.kind,
      transportWhy: link.why,
      version: config.settings.version,
      settings: config.settings,
      ...(config.nodeName === undefined ? {} : { node: config.nodeName }),
      ...(config.cluster === undefined ? {} : { cluster: redactUrls(config.cluster) }),
    },
    "listening",
  );
  return {
    address,
    port,
    transport: link.kind,
    stats: () => daemon.stats(),
    close: () => daemon.close(),
    notReady: () => daemon.notReady(),
    deny: (list) => daemon.operate((core) => core.deny(list)),
    kick: (name) => daemon.operate((core) => core.kick(name)) !== undefined,
    members: () => daemon.members(),
  };
}

/** How often the address check's own secret is replaced (tokens live 60 to 90 s). */
const ADDRESS_SECRET_ROTATION_MS = 3_600_000;
/** A shared secret shorter than this is refused: the MAC must not be guessable. */
const MIN_SECRET_BYTES = 16;

/**
 * The address check's secret from --address-secret-file: the same file on every node of a
 * cluster makes a token good on any of them (docs/cluster.md). Surrounding whitespace is not
 * part of it, so `openssl rand -hex 32 > file` works as is.
 */
function readAddressSecret(path: string | undefined): Uint8Array | undefined {
  if (path === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(path, "utf8").trim();
  } catch (error) {
    const code = (error as { code?: string }).code ?? "unreadable";
    throw new Error(`address secret file ${path}: ${code}`);
  }
  const secret = Buffer.from(text, "utf8");
  if (secret.length < MIN_SECRET_BYTES) {
    throw new Error(`address secret file ${path}: shorter than ${MIN_SECRET_BYTES} bytes`);
  }
  return secret;
}

/** The send path before the socket is bound: nothing can be sent yet. */
const NOT_STARTED: Outbound = {
  enqueue: () => {},
  flush: () => {},
  idle: () => Promise.resolve(),
  queuedSends: 0,
  counters: { sends: 0, bytes: 0 },
};

/** Owns the socket, the core, the timers and the logs; the core decides everything else. */
class Daemon {
  readonly #core: ChatServer;
  #link: Link | undefined;
  readonly #logger: Logger;
  readonly #activity: ActivityLog;
  #fanout: Outbound = NOT_STARTED;
  readonly #clock: () => number;
  readonly #shutdownTimeoutMs: number;
  readonly #onListPush: DaemonOptions["onListPush"];
  /** Cluster mode only. */
  readonly #cluster: RedisDirectory | undefined;
  #tickTimer: NodeJS.Timeout | undefined;
  /** When #tickTimer fires (clock time). */
  #tickAt = Number.POSITIVE_INFINITY;
  #statsTimer: NodeJS.Timeout | undefined;
  #rotateTimer: NodeJS.Timeout | undefined;
  /** A secret from --address-secret-file is shared with other nodes: never rotated here. */
  readonly #fixedSecret: boolean;
  #closing: Promise<void> | undefined;
  readonly #statsIntervalMs: number;

  constructor(
    config: DaemonConfig,
    logger: Logger,
    options: DaemonOptions,
    cluster: RedisDirectory | undefined,
    addressSecret: Uint8Array | undefined,
  ) {
    this.#logger = logger;
    this.#statsIntervalMs = config.statsIntervalMs;
    this.#clock = options.clock ?? monotonicEpochMs;
    this.#shutdownTimeoutMs = options.shutdownTimeoutMs ?? 5000;
    this.#onListPush = options.onListPush;
    this.#cluster = cluster;
    this.#core = new ChatServer(config.settings, {
      ...(this.#cluster === undefined ? {} : { directory: this.#cluster }),
      ...(addressSecret === undefined ? {} : { addressSecret }),
    });
    this.#fixedSecret = addressSecret !== undefined;
    // Suppression summaries come out at the stats rhythm, so one interval reads as a whole.
    this.#activity = new ActivityLog(logger, {
      windowMs: config.statsIntervalMs > 0 ? config.statsIntervalMs : undefined,
    });
  }

  /** What the socket reports to; bound before the socket opens. */
  readonly handlers: LinkHandlers = {
    datagram: (message, from) => this.#onMessage(message, from),
    batchEnd: () => this.#fanout.flush(),
    socketError: (error) => this.#activity.socketError(error, this.#clock()),
    sendError: (error) => this.#activity.sendError(error, this.#clock()),
    overflow: (sends) => this.#activity.queueOverflow(sends, this.#clock()),
  };

  /** Starts the timers once the socket is bound; datagrams flow from here on. */
  start(link: Link): void {
    this.#link = link;
    this.#fanout = link.outbound;
    this.#scheduleTick();
    if (this.#statsIntervalMs > 0) {
      this.#statsTimer = setInterval(() => this.#logStats(), this.#statsIntervalMs).unref();
    }
    // The address check's secret is new every hour; tokens of the one before stay valid.
    if (!this.#fixedSecret) {
      const rotate = () => this.#core.rotateAddressSecret(randomBytes(32));
      this.#rotateTimer = setInterval(rotate, ADDRESS_SECRET_ROTATION_MS).unref();
    }
  }

  readonly #onMessage = (message: Buffer, from: Endpoint): void => {
    if (this.#closing !== undefined) return;
    const now = this.#clock();
    try {
      // `from` is an Endpoint (address, port): dgram's RemoteInfo, or the addon's, shared
      // by every datagram from that source; `message` may be valid only during this call.
      this.#fanout.enqueue(this.#core.receive(message, from, now));
      this.#activity.events(this.#core.takeEvents(), now);
      this.#tickSooner(now);
    } catch (error) {
      this.#activity.internalError(error, now);
    }
  };

  /**
   * A datagram can bring core's next timer forward (the first user's expiry, the first list
   * push, a limiter entry): the tick follows, so a list push or an expiry is not held back
   * until a tick scheduled before it existed. Rare, so the check is all most datagrams pay.
   */
  #tickSooner(now: number): void {
    const due = this.#core.nextTimerAt();
    // The tick is due up to 1 ms after the timer (whole milliseconds): only earlier counts.
    if (due === undefined || Math.max(due, now + MIN_TICK_DELAY_MS) + 1 >= this.#tickAt) return;
    clearTimeout(this.#tickTimer);
    this.#scheduleTick();
  }

  /** Cluster mode: connects to Redis and joins (or, if it cannot yet, serves alone and retries). */
  async joinCluster(): Promise<void> {
    await this.#cluster?.start({
      core: this.#core,
      output: (datagrams) => this.#output(datagrams),
      now: this.#clock,
    });
  }

  /** What core answered to the cluster (a settled claim, another node's broadcast). */
  #output(datagrams: readonly Datagram[]): void {
    if (this.#closing !== undefined) return;
    const now = this.#clock();
    try {
      this.#fanout.enqueue(datagrams);
      this.#fanout.flush(); // not part of a received batch: nothing else will flush it
      this.#activity.events(this.#core.takeEvents(), now);
      this.#tickSooner(now);
    } catch (error) {
      this.#activity.internalError(error, now);
    }
  }

  readonly #onTick = (): void => {
    const now = this.#clock();
    try {
      const pushes = this.#onListPush && this.#core.stats().listPushes;
      this.#fanout.enqueue(this.#core.tick(now));
      this.#fanout.flush();
      if (this.#onListPush && this.#core.stats().listPushes !== pushes) {
        this.#onListPush(now, this.#fanout.idle());
      }
      this.#activity.events(this.#core.takeEvents(), now);
    } catch (error) {
      this.#activity.internalError(error, now);
    }
    this.#activity.closeWindow(now);
    this.#scheduleTick();
  };

  #scheduleTick(): void {
    const now = this.#clock();
    const due = this.#core.nextTimerAt();
    const wait = due === undefined ? MAX_TICK_DELAY_MS : Math.ceil(due - now);
    // The floor keeps a timer that is always due (after a clock jump, say) from spinning.
    const delay = Math.max(MIN_TICK_DELAY_MS, Math.min(wait, MAX_TICK_DELAY_MS));
    // Unref'd: the socket alone keeps the process alive, so close() lets it exit.
    this.#tickAt = now + delay;
    this.#tickTimer = setTimeout(this.#onTick, delay).unref();
  }

  notReady(): string | undefined {
    if (this.#closing !== undefined) return "shutting down";
    if (this.#cluster !== undefined && !this.#cluster.isAvailable()) return "cluster unavailable";
    return undefined;
  }

  members(): ReturnType<ChatServer["members"]> {
    return this.#core.members();
  }

  /** Runs an operator's action on core and sends what it answers; its result, as is. */
  operate<T extends readonly Datagram[] | undefined>(action: (core: ChatServer) => T): T {
    const datagrams = action(this.#core);
    if (datagrams !== undefined) this.#output(datagrams);
    return datagrams;
  }

  stats(): DaemonStats {
    const { sends, bytes, waits } = this.#fanout.counters;
    return {
      ...this.#core.stats(),
      sent: sends,
      sentBytes: bytes,
      queuedSends: this.#fanout.queuedSends,
      errors: Object.fromEntries(this.#activity.errorsByCode),
      sendWaits: { ...waits },
      internalErrors: this.#activity.internalErrors,
      ...(this.#cluster === undefined ? {} : { cluster: this.#cluster.stats() }),
    };
  }

  #logStats(): void {
    const s = this.stats();
    // The figures an operator reads; stats() has the rest.
    const line = {
      users: s.users,
      packetsIn: s.packetsIn,
      bytesIn: s.bytesIn,
      packetsOut: s.sent,
      bytesOut: s.sentBytes,
      queuedSends: s.queuedSends,
      joined: s.registered,
      left: s.loggedOut,
      expired: s.expired,
      broadcasts: s.broadcasts,
      privates: s.privates,
      drops: s.drops,
      errors: s.errors,
      sendWaits: s.sendWaits,
      internalErrors: s.internalErrors,
      checkedUsers: s.checkedUsers,
      uncheckedUsers: s.uncheckedUsers,
      challenges: s.challenges,
      listIntervalS: s.listIntervalEffectiveMs / 1000,
      trackedEndpoints: s.trackedEndpoints,
      trackedAddresses: s.trackedAddresses,
      ...(s.cluster === undefined ? {} : { cluster: s.cluster }),
    };
    this.#logger.info(line, "stats");
  }

  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async #shutdown(): Promise<void> {
    clearTimeout(this.#tickTimer);
    clearInterval(this.#statsTimer);
    clearInterval(this.#rotateTimer);
    const notices = this.#core.shutdown();
    const users = notices.reduce((sum, datagram) => sum + datagram.to.length, 0);
    this.#fanout.enqueue(notices);
    this.#fanout.flush();
    this.#activity.events(this.#core.takeEvents(), this.#clock());
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(true), this.#shutdownTimeoutMs);
    });
    const late = await Promise.race([this.#fanout.idle().then(() => false), timedOut]);
    clearTimeout(timer);
    if (late)
      this.#logger.warn({ queuedSends: this.#fanout.queuedSends }, "shutdown notices not all sent");
    await this.#cluster?.close();
    this.#activity.flush();
    this.#logStats();
    await this.#link?.close();
    this.#logger.info({ notified: users }, "stopped");
  }
}

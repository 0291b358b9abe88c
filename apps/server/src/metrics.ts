import { NO_OPCODE } from "@chat/core";
import { CLIENT_OPCODES, opcodeName, SERVER_OPCODES } from "@chat/protocol";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import { type DaemonStats, monotonicEpochMs } from "./daemon.js";

type Labels = Record<string, string>;
type Series = ReadonlyArray<readonly [Labels, number]>;

// Every label value is from a fixed set: opcode names, core's drop reasons, errno codes.
const RECEIVED_OPCODES = [...CLIENT_OPCODES, ...SERVER_OPCODES];
const SENT_OPCODES = [...SERVER_OPCODES];
// Series that exist at 0 from the first scrape, so an alert's rate() sees the first one.
const SEND_ERROR_CODES = ["ENOBUFS", "EAGAIN", "EMSGSIZE", "QUEUE_FULL"];
const SEND_WAIT_CODES = ["EAGAIN", "ENOBUFS"];
const LIST_PUSH_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The daemon's Prometheus metrics. Counters that core and the daemon already keep are read
 * from one stats() snapshot per scrape, never incremented on the hot path a second time;
 * only the list-push duration is observed as it happens (once per push).
 */
export class DaemonMetrics {
  readonly registry = new Registry();
  #stats: DaemonStats | undefined;
  readonly #listPush: Histogram;

  constructor(
    version: string,
    deployment: { readonly maxUsers?: number; readonly node?: string } = {},
  ) {
    collectDefaultMetrics({ register: this.registry });
    const gauge = (name: string, help: string, read: (s: DaemonStats) => number) =>
      this.#gauge(name, help, [], (s) => [[{}, read(s)]]);
    const counter = (name: string, help: string, read: (s: DaemonStats) => number) =>
      this.#counter(name, help, [], (s) => [[{}, read(s)]]);

    this.#gauge("chat_build_info", "The server's version; always 1", ["version"], () => [
      [{ version }, 1],
    ]);
    gauge("chat_users", "Users registered now", (s) => s.users);
    if (deployment.maxUsers !== undefined) {
      const { maxUsers } = deployment;
      gauge("chat_max_users", "Users this node takes at most (--max-users)", () => maxUsers);
    }
    this.#counter(
      "chat_received_datagrams_total",
      "Datagrams received, by opcode (unknown: not in the table; none: empty)",
      ["opcode"],
      (s) => byOpcode(s.datagramsInByOpcode, RECEIVED_OPCODES, true),
    );
    this.#counter(
      "chat_received_bytes_total",
      "UDP payload bytes received, by opcode",
      ["opcode"],
      (s) => byOpcode(s.bytesInByOpcode, RECEIVED_OPCODES, true),
    );
    this.#counter(
      "chat_sent_datagrams_total",
      "Datagrams the server decided to send, one per recipient, by opcode",
      ["opcode"],
      (s) => byOpcode(s.datagramsOutByOpcode, SENT_OPCODES, false),
    );
    this.#counter(
      "chat_sent_bytes_total",
      "UDP payload bytes the server decided to send, per recipient, by opcode",
      ["opcode"],
      (s) => byOpcode(s.bytesOutByOpcode, SENT_OPCODES, false),
    );
    counter("chat_socket_sends_total", "Sends handed to the socket", (s) => s.sent);
    counter("chat_socket_sent_bytes_total", "Bytes handed to the socket", (s) => s.sentBytes);
    this.#counter(
      "chat_dropped_datagrams_total",
      "Datagrams refused or dropped, by reason",
      ["reason"],
      (s) => Object.entries(s.drops).map(([reason, n]) => [{ reason }, n] as const),
    );
    this.#counter(
      "chat_refusals_total",
      "ERROR replies decided (sent or held back by the reply limit), by the kind of their text",
      ["reason"],
      (s) => Object.entries(s.refusedByReason).map(([reason, n]) => [{ reason }, n] as const),
    );
    this.#counter(
      "chat_send_errors_total",
      "Failed sends and socket errors by error code (QUEUE_FULL: sends dropped, queue full)",
      ["code"],
      (s) => byCode(s.errors, SEND_ERROR_CODES),
    );
    this.#counter(
      "chat_send_waits_total",
      "Times the kernel had no room for a send (EAGAIN, ENOBUFS) and the rest waited, by code (native transport)",
      ["code"],
      (s) => byCode(s.sendWaits, SEND_WAIT_CODES),
    );
    counter(
      "chat_internal_errors_total",
      "Bugs caught while handling a datagram",
      (s) => s.internalErrors,
    );
    counter("chat_registrations_total", "Successful REGISTERs of a new name", (s) => s.registered);
    counter("chat_logouts_total", "Users who logged out", (s) => s.loggedOut);
    counter(
      "chat_expirations_total",
      "Users removed after userTimeout of silence",
      (s) => s.expired,
    );
    counter("chat_broadcasts_total", "BROADCASTs forwarded", (s) => s.broadcasts);
    counter("chat_private_messages_total", "PRIVATE messages forwarded", (s) => s.privates);
    counter("chat_list_pushes_total", "Periodic user-list pushes", (s) => s.listPushes);
    counter(
      "chat_list_pushes_stretched_total",
      "List pushes after which the interval was stretched to keep within --list-push-bytes-per-second",
      (s) => s.listPushesStretched,
    );
    gauge(
      "chat_list_interval_seconds",
      "The list-push interval in force (longer than --list-interval while pushes are stretched)",
      (s) => s.listIntervalEffectiveMs / 1000,
    );
    counter(
      "chat_address_challenges_total",
      "Address-check challenges decided (ERROR address check: <token>)",
      (s) => s.challenges,
    );
    this.#counter(
      "chat_address_tokens_total",
      "REGISTER cookies checked, by result (accepted, refused: wrong or expired)",
      ["result"],
      (s) => [
        [{ result: "accepted" }, s.tokensAccepted],
        [{ result: "refused" }, s.tokensRefused],
      ],
    );
    this.#gauge(
      "chat_users_by_check",
      "Users registered now, by address check (checked: with a token; unchecked: plain REGISTER)",
      ["check"],
      (s) => [
        [{ check: "checked" }, s.checkedUsers],
        [{ check: "unchecked" }, s.uncheckedUsers],
      ],
    );
    counter(
      "chat_events_overflowed_total",
      "Core events lost before the daemon read them",
      (s) => s.eventsOverflowed,
    );
    gauge("chat_send_queue_length", "Sends queued behind a large fan-out", (s) => s.queuedSends);
    gauge(
      "chat_tracked_endpoints",
      "Per-endpoint rate-limit entries held",
      (s) => s.trackedEndpoints,
    );
    gauge(
      "chat_tracked_addresses",
      "Per-address rate-limit entries held",
      (s) => s.trackedAddresses,
    );
    // Cluster mode only (no series without --cluster). The label is the node's name
    // (--node-name, the host name): the same across restarts, so no series churn.
    const cluster =
      (read: (c: NonNullable<DaemonStats["cluster"]>) => number) => (s: DaemonStats) =>
        s.cluster === undefined
          ? []
          : [[{ node: deployment.node ?? s.cluster.node }, read(s.cluster)] as const];
    this.#gauge(
      "chat_cluster_available",
      "1 while this node can reach the cluster (new names, cross-node PRIVATE), else 0",
      ["node"],
      cluster((c) => (c.available ? 1 : 0)),
    );
    this.#gauge(
      "chat_cluster_users",
      "Users of the whole cluster",
      ["node"],
      cluster((c) => c.users),
    );
    this.#counter(
      "chat_cluster_syncs_total",
      "Joins and resyncs with the cluster",
      ["node"],
      cluster((c) => c.syncs),
    );
    this.#counter(
      "chat_cluster_bus_missed_total",
      "Cluster bus messages this node never received",
      ["node"],
      cluster((c) => c.busMessagesMissed),
    );
    this.#counter(
      "chat_cluster_bus_dropped_total",
      "Cluster bus and inbox entries dropped: not this version's format, or refused by the codec",
      ["node"],
      cluster((c) => c.busMessagesDropped),
    );
    this.#counter(
      "chat_cluster_broadcasts_lost_total",
      "Broadcasts whose publish to the cluster failed in flight",
      ["node"],
      cluster((c) => c.broadcastsLost),
    );
    this.#listPush = new Histogram({
      name: "chat_list_push_duration_seconds",
      help: "From the tick that starts a user-list push until every copy was handed to the socket",
      buckets: LIST_PUSH_BUCKETS,
      registers: [this.registry],
    });
  }

  /** Daemon hook: a list push began at `startedAt` (monotonicEpochMs); `sent` settles when it left. */
  readonly listPushStarted = (startedAt: number, sent: Promise<void>): void => {
    sent.then(() => this.#listPush.observe((monotonicEpochMs() - startedAt) / 1000));
  };

  /** The Prometheus text exposition, from one stats() snapshot. */
  async render(stats: () => DaemonStats): Promise<string> {
    // Every collect() below runs synchronously inside metrics(), before its first await.
    this.#stats = stats();
    try {
      return await this.registry.metrics();
    } finally {
      this.#stats = undefined;
    }
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  #gauge(name: string, help: string, labelNames: string[], read: (s: DaemonStats) => Series) {
    const snapshot = () => this.#stats;
    new Gauge({
      name,
      help,
      labelNames,
      registers: [this.registry],
      collect() {
        const stats = snapshot();
        if (stats === undefined) return;
        for (const [labels, value] of read(stats)) this.set(labels, value);
      },
    });
  }

  #counter(name: string, help: string, labelNames: string[], read: (s: DaemonStats) => Series) {
    const snapshot = () => this.#stats;
    new Counter({
      name,
      help,
      labelNames,
      registers: [this.registry],
      collect() {
        const stats = snapshot();
        if (stats === undefined) return;
        // The source counts since start; the counter shows that figure, so reset then add.
        this.reset();
        for (const [labels, value] of read(stats)) this.inc(labels, value);
      },
    });
  }
}

/** Counts by code, the expected codes at 0 until they happen (a rate() needs a series first). */
function byCode(counts: Readonly<Record<string, number>>, expected: readonly string[]): Series {
  const all = { ...Object.fromEntries(expected.map((code) => [code, 0])), ...counts };
  return Object.entries(all).map(([code, n]) => [{ code }, n] as const);
}

/** Known opcodes by name; with `others`, the rest summed as "unknown" and empty ones as "none". */
function byOpcode(counts: Float64Array, opcodes: readonly number[], others: boolean): Series {
  const series: Array<readonly [Labels, number]> = opcodes.map(
    (opcode) => [{ opcode: opcodeName(opcode) ?? String(opcode) }, counts[opcode] ?? 0] as const,
  );
  if (!others) return series;
  let unknown = 0;
  for (let byte = 0; byte < NO_OPCODE; byte++) {
    if (opcodeName(byte) === undefined) unknown += counts[byte] ?? 0;
  }
  series.push([{ opcode: "unknown" }, unknown], [{ opcode: "none" }, counts[NO_OPCODE] ?? 0]);
  return series;
}

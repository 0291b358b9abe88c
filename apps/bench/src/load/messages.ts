/** What the bench's main thread and its load workers say to each other. */
import type { HistogramData } from "../histogram.js";

export type TrafficKind = "broadcast" | "private";

/** Open one socket per name, all talking to one server; `group` names the set. */
export interface OpenCommand {
  type: "open";
  group: string;
  host: string;
  port: number;
  /** Every name of the group, in order; this worker owns those at `owned` indices. */
  names: string[];
  owned: number[];
}

export interface RegisterCommand {
  type: "register";
  group: string;
  /** REGISTERs in flight at once from this worker. */
  window: number;
  /** A REGISTER unanswered this long is sent again (harmless: docs/protocol.md#4-who-is-who). */
  retryMs: number;
  deadlineMs: number;
}

export interface RunCommand {
  type: "run";
  group: string;
  kind: TrafficKind;
  /** Global indices of the senders (the worker picks those it owns). */
  senders: number[];
  /** Messages per second from each sender. */
  ratePerSender: number;
  durationMs: number;
  /** process.hrtime in ns (as a number) at which every worker starts sending. */
  startAtNs: number;
  /** After sending, wait until nothing has arrived for quietMs, or drainMs at most. */
  quietMs: number;
  drainMs: number;
}

/** Listen (send nothing) for `durationMs`, noting every LIST_RESPONSE that arrives. */
export interface ListenCommand {
  type: "listen";
  group: string;
  durationMs: number;
}

export interface CloseCommand {
  type: "close";
  group: string;
  /** Indices of endpoints to leave open (still registered, still listening); default none. */
  keep?: number[];
}

export type Command = OpenCommand | RegisterCommand | RunCommand | ListenCommand | CloseCommand;

export interface OpenResult {
  ports: number[];
}

export interface RegisterResult {
  ok: number;
  refused: number;
  refusals: string[];
  retries: number;
  unanswered: number;
  startNs: number;
  endNs: number;
}

export interface RunResult {
  sent: number;
  /** Sends the socket reported as failed. */
  sendErrors: number;
  /** Forwards received, duplicates included. */
  received: number;
  /** Distinct (receiver, sender, sequence) forwards. */
  unique: number;
  duplicates: number;
  oks: number;
  errors: number;
  errorSamples: string[];
  malformed: number;
  latency: HistogramData;
  /** CPU seconds of this worker's thread during the run, and the wall time it spanned. */
  cpuSeconds: number | undefined;
  wallSeconds: number;
  /** Longest gap between pacing ticks: the worker's loop was busy that long. */
  maxTickGapMs: number;
  /** Sends made more than 10 ms after their due time. */
  lateSends: number;
}

export interface ListenResult {
  listPackets: number;
  /** Arrival time (hrtime ns as a number) of every LIST_RESPONSE packet. */
  arrivals: number[];
  cpuSeconds: number | undefined;
}

export type Reply =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: string };

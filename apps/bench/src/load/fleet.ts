/**
 * A fleet: N client endpoints spread over the load workers (endpoint i lives in worker
 * i mod W, so senders spread too), all registered with one server. It runs one load step
 * and folds the workers' tallies into one result, with the kernel's view of drops.
 */
import { Histogram } from "../histogram.js";
import {
  counterDelta,
  dropsOn,
  machineCpuSeconds,
  processCpuSeconds,
  readUdpCounters,
  readUdpSocketDrops,
} from "../proc-stats.js";
import type { RunningServer } from "../servers.js";
import type {
  ListenResult,
  OpenResult,
  RegisterResult,
  RunResult,
  TrafficKind,
} from "./messages.js";
import type { WorkerPool } from "./pool.js";

export interface RegistrationOutcome {
  users: number;
  seconds: number;
  ok: number;
  refused: number;
  refusals: string[];
  retries: number;
  unanswered: number;
}

export interface StepOutcome {
  kind: TrafficKind;
  users: number;
  senders: number;
  /** Offered messages per second (all senders together). */
  offeredRate: number;
  durationSeconds: number;
  sent: number;
  expected: number;
  unique: number;
  duplicates: number;
  /** 1 - unique / expected. */
  loss: number;
  /** Distinct forwards delivered per second of sending. */
  deliveriesPerSecond: number;
  /** Messages whose forward arrived, per second (private: = deliveries). */
  messagesPerSecond: number;
  latency: Histogram;
  oks: number;
  errors: number;
  errorSamples: string[];
  malformed: number;
  sendErrors: number;
  lateSends: number;
  maxTickGapMs: number;
  /** Per worker thread: share of one core used during the step. */
  workerCpuShares: Array<number | undefined>;
  /** Receive-buffer drops on the server's socket and on the generator's sockets. */
  serverSocketDrops: number | undefined;
  generatorSocketDrops: number | undefined;
  /** Kernel-wide UDP counter changes (RcvbufErrors, SndbufErrors, ...). */
  kernel: Record<string, number> | undefined;
  /** Server CPU share of one core, and its longest event-loop delay, during the step. */
  serverCpuShare: number | undefined;
  /** CPU seconds over the step: the server's, the generator's (every thread) and others'. */
  serverCpuSeconds: number | undefined;
  generatorCpuSeconds: number;
  otherCpuSeconds: number | undefined;
  /** Busy share of all the machine's cores over the step. */
  machineBusyShare: number | undefined;
  wallSeconds: number;
  serverLoopDelayMaxMs: number | undefined;
}

export class Fleet {
  readonly #pool: WorkerPool;
  readonly #group: string;
  readonly #names: string[];
  readonly #ports = new Set<number>();
  readonly server: RunningServer;

  private constructor(pool: WorkerPool, group: string, names: string[], server: RunningServer) {
    this.#pool = pool;
    this.#group = group;
    this.#names = names;
    this.server = server;
  }

  static async open(
    pool: WorkerPool,
    group: string,
    server: RunningServer,
    users: number,
  ): Promise<Fleet> {
    const names = Array.from({ length: users }, (_, i) => `u${i}`);
    const fleet = new Fleet(pool, group, names, server);
    const results = await pool.askAll<OpenResult>((w) => ({
      type: "open",
      group,
      host: server.host,
      port: server.port,
      names,
      owned: names.map((_, i) => i).filter((i) => i % pool.size === w),
    }));
    for (const result of results) for (const port of result.ports) fleet.#ports.add(port);
    return fleet;
  }

  get users(): number {
    return this.#names.length;
  }

  /** Registers every endpoint, `window` REGISTERs in flight at once across the fleet. */
  async register(window = 256, deadlineMs = 60_000): Promise<RegistrationOutcome> {
    const perWorker = Math.max(1, Math.ceil(window / this.#pool.size));
    const results = await this.#pool.askAll<RegisterResult>(() => ({
      type: "register",
      group: this.#group,
      window: perWorker,
      retryMs: 500,
      deadlineMs,
    }));
    const start = Math.min(...results.map((r) => r.startNs));
    const end = Math.max(...results.map((r) => r.endNs));
    return {
      users: this.#names.length,
      seconds: (end - start) / 1e9,
      ok: sum(results.map((r) => r.ok)),
      refused: sum(results.map((r) => r.refused)),
      refusals: results.flatMap((r) => r.refusals).slice(0, 5),
      retries: sum(results.map((r) => r.retries)),
      unanswered: sum(results.map((r) => r.unanswered)),
    };
  }

  /** One open-loop step: `senders` endpoints together offer `rate` messages per second. */
  async run(
    kind: TrafficKind,
    senderCount: number,
    rate: number,
    durationMs: number,
  ): Promise<StepOutcome> {
    const senders = Array.from({ length: senderCount }, (_, i) => i);
    const sinceMs = performance.now();
    const kernelBefore = readUdpCounters();
    const dropsBefore = readUdpSocketDrops();
    const serverCpuBefore = processCpuSeconds(this.server.pid);
    const machineBefore = machineCpuSeconds();
    const generatorBefore = process.cpuUsage();
    const results = await this.#pool.askAll<RunResult>(() => ({
      type: "run",
      group: this.#group,
      kind,
      senders,
      ratePerSender: rate / senderCount,
      durationMs,
      startAtNs: Number(process.hrtime.bigint()) + 50e6,
      quietMs: 300,
      drainMs: 3_000,
    }));
    const dropsAfter = readUdpSocketDrops();
    const generatorUsage = process.cpuUsage(generatorBefore);
    const generatorCpuSeconds = (generatorUsage.user + generatorUsage.system) / 1e6;
    const serverCpuAfter = processCpuSeconds(this.server.pid);
    const machineAfter = machineCpuSeconds();
    const serverCpuSeconds =
      serverCpuBefore === undefined || serverCpuAfter === undefined
        ? undefined
        : serverCpuAfter - serverCpuBefore;
    const machineBusy =
      machineBefore && machineAfter ? machineAfter.busy - machineBefore.busy : undefined;
    const machineTotal =
      machineBefore && machineAfter ? machineAfter.total - machineBefore.total : undefined;
    const kernel = counterDelta(kernelBefore, readUdpCounters());
    const reports = this.server.probe.reportsSince(sinceMs);
    const latency = new Histogram();
    for (const result of results) latency.merge(result.latency);
    const sent = sum(results.map((r) => r.sent));
    const unique = sum(results.map((r) => r.unique));
    const expected = kind === "broadcast" ? sent * this.#names.length : sent;
    const seconds = durationMs / 1000;
    const wallSeconds = (performance.now() - sinceMs) / 1000;
    return {
      kind,
      users: this.#names.length,
      senders: senderCount,
      offeredRate: rate,
      durationSeconds: seconds,
      sent,
      expected,
      unique,
      duplicates: sum(results.map((r) => r.duplicates)),
      loss: expected > 0 ? 1 - unique / expected : 0,
      deliveriesPerSecond: unique / seconds,
      messagesPerSecond: (kind === "broadcast" ? unique / this.#names.length : unique) / seconds,
      latency,
      oks: sum(results.map((r) => r.oks)),
      errors: sum(results.map((r) => r.errors)),
      errorSamples: results.flatMap((r) => r.errorSamples).slice(0, 5),
      malformed: sum(results.map((r) => r.malformed)),
      sendErrors: sum(results.map((r) => r.sendErrors)),
      lateSends: sum(results.map((r) => r.lateSends)),
      maxTickGapMs: Math.max(...results.map((r) => r.maxTickGapMs)),
      workerCpuShares: results.map((r) =>
        r.cpuSeconds === undefined ? undefined : r.cpuSeconds / r.wallSeconds,
      ),
      serverSocketDrops: dropsOn([this.server.port], dropsBefore, dropsAfter),
      generatorSocketDrops: dropsOn(this.#ports, dropsBefore, dropsAfter),
      kernel,
      serverCpuShare: serverCpuSeconds === undefined ? undefined : serverCpuSeconds / wallSeconds,
      serverCpuSeconds,
      generatorCpuSeconds,
      wallSeconds,
      otherCpuSeconds:
        machineBusy === undefined || serverCpuSeconds === undefined
          ? undefined
          : Math.max(0, machineBusy - serverCpuSeconds - generatorCpuSeconds),
      machineBusyShare:
        machineBusy === undefined || !machineTotal ? undefined : machineBusy / machineTotal,
      serverLoopDelayMaxMs: reports.length
        ? Math.max(...reports.map((r) => r.loopDelayMaxMs))
        : undefined,
    };
  }

  /** Sends nothing for `durationMs` and returns every LIST_RESPONSE arrival. */
  async listen(durationMs: number): Promise<{ packets: number; arrivals: number[] }> {
    const results = await this.#pool.askAll<ListenResult>(() => ({
      type: "listen",
      group: this.#group,
      durationMs,
    }));
    return {
      packets: sum(results.map((r) => r.listPackets)),
      arrivals: results.flatMap((r) => r.arrivals).sort((a, b) => a - b),
    };
  }

  /**
   * Closes every endpoint's socket but `keep` of them, spread evenly over the fleet. The
   * closed ones stay registered (the server sends to them; the kernel drops the datagrams).
   */
  async close(keep = 0): Promise<void> {
    const step = keep > 0 ? this.#names.length / keep : 0;
    const kept = Array.from({ length: keep }, (_, i) => Math.floor(i * step));
    await this.#pool.askAll(() => ({
      type: "close",
      group: this.#group,
      keep: keep > 0 ? kept : undefined,
    }));
  }
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/**
 * One load step boiled down to what the report shows, with a verdict on who ran out first:
 * the server (its socket dropped, its core was full) or the generator (its sockets dropped,
 * a worker's core was full, it sent late).
 */
import type { StepOutcome } from "../load/fleet.js";

/** Who was short of CPU or buffer: "none", or some of server, generator, others, "+"-joined. */
export type Limit = string;

export interface StepSummary {
  offeredRate: number;
  sent: number;
  expected: number;
  unique: number;
  duplicates: number;
  loss: number;
  deliveriesPerSecond: number;
  messagesPerSecond: number;
  latencyMs: { count: number; p50: number; p90: number; p99: number; max: number };
  pass: boolean;
  /** 2 when this is a retry of a failed first attempt at the same rate. */
  attempt?: number;
  sendErrors: number;
  errors: number;
  errorSamples: string[];
  serverSocketDrops: number | null;
  generatorSocketDrops: number | null;
  kernelRcvbufErrors: number | null;
  kernelSndbufErrors: number | null;
  generatorWorkerCpu: Array<number | null>;
  generatorLateSends: number;
  generatorMaxTickGapMs: number;
  serverCpu: number | null;
  serverLoopDelayMaxMs: number | null;
  /** CPU time per distinct delivery: robust to drift where rates are not. */
  serverCpuUsPerDelivery: number | null;
  generatorCpuUsPerDelivery: number | null;
  /** Cores' worth of CPU used by processes other than server and generator. */
  otherProcessesCores: number | null;
  machineBusy: number | null;
  /** Which side showed saturation; "none" when neither did. */
  saturated: Limit;
  notes: string[];
}

const BUSY_CORE = 0.9;
/** Other processes using this much CPU make the step's figures suspect. */
const OTHERS_CORES = 0.25;

export function summarizeStep(step: StepOutcome, maxLoss: number, maxP99Ms: number): StepSummary {
  const ms = (ns: number) => round(ns / 1e6, 3);
  const latency = step.latency.summary();
  const p99Ms = ms(latency.p99);
  const pass = step.sent > 0 && step.loss < maxLoss && p99Ms < maxP99Ms;
  const generatorNotes: string[] = [];
  const serverNotes: string[] = [];
  const otherNotes: string[] = [];
  if ((step.generatorSocketDrops ?? 0) > 0) {
    generatorNotes.push(`generator sockets dropped ${step.generatorSocketDrops} datagrams`);
  }
  const busiestWorker = Math.max(0, ...step.workerCpuShares.map((share) => share ?? 0));
  if (busiestWorker >= BUSY_CORE)
    generatorNotes.push(`a load worker at ${pct(busiestWorker)} of a core`);
  if (step.sendErrors > 0) generatorNotes.push(`${step.sendErrors} sends failed`);
  if ((step.serverSocketDrops ?? 0) > 0) {
    serverNotes.push(`server socket dropped ${step.serverSocketDrops} datagrams`);
  }
  if ((step.serverCpuShare ?? 0) >= BUSY_CORE) {
    serverNotes.push(`server at ${pct(step.serverCpuShare ?? 0)} of a core`);
  }
  const otherCores =
    step.otherCpuSeconds === undefined ? undefined : step.otherCpuSeconds / step.wallSeconds;
  if ((otherCores ?? 0) >= OTHERS_CORES) {
    otherNotes.push(`other processes used ${(otherCores ?? 0).toFixed(2)} cores`);
  }
  if (step.lateSends > step.sent * 0.01) {
    // Late with a busy worker: the generator. Late with idle workers: they were not scheduled.
    const note = `${pct(step.lateSends / step.sent)} of sends > 10 ms late`;
    if (busiestWorker >= 0.6) generatorNotes.push(note);
    else otherNotes.push(`${note} (load workers not scheduled: CPUs contended)`);
  }
  const flags = [
    serverNotes.length ? "server" : "",
    generatorNotes.length ? "generator" : "",
    otherNotes.length ? "others" : "",
  ].filter(Boolean);
  const saturated: Limit = flags.length ? flags.join("+") : "none";
  const perDelivery = (cpu: number | undefined) =>
    cpu === undefined || step.unique === 0 ? null : round((cpu * 1e6) / step.unique, 2);
  return {
    offeredRate: step.offeredRate,
    sent: step.sent,
    expected: step.expected,
    unique: step.unique,
    duplicates: step.duplicates,
    loss: round(step.loss, 6),
    deliveriesPerSecond: Math.round(step.deliveriesPerSecond),
    messagesPerSecond: Math.round(step.messagesPerSecond),
    latencyMs: {
      count: latency.count,
      p50: ms(latency.p50),
      p90: ms(latency.p90),
      p99: p99Ms,
      max: ms(latency.max),
    },
    pass,
    sendErrors: step.sendErrors,
    errors: step.errors,
    errorSamples: step.errorSamples,
    serverSocketDrops: step.serverSocketDrops ?? null,
    generatorSocketDrops: step.generatorSocketDrops ?? null,
    kernelRcvbufErrors: step.kernel?.RcvbufErrors ?? null,
    kernelSndbufErrors: step.kernel?.SndbufErrors ?? null,
    generatorWorkerCpu: step.workerCpuShares.map((s) => (s === undefined ? null : round(s, 3))),
    generatorLateSends: step.lateSends,
    generatorMaxTickGapMs: round(step.maxTickGapMs, 1),
    serverCpu: step.serverCpuShare === undefined ? null : round(step.serverCpuShare, 3),
    serverLoopDelayMaxMs:
      step.serverLoopDelayMaxMs === undefined ? null : round(step.serverLoopDelayMaxMs, 1),
    serverCpuUsPerDelivery: perDelivery(step.serverCpuSeconds),
    generatorCpuUsPerDelivery: perDelivery(step.generatorCpuSeconds),
    otherProcessesCores: otherCores === undefined ? null : round(otherCores, 2),
    machineBusy: step.machineBusyShare === undefined ? null : round(step.machineBusyShare, 3),
    saturated,
    notes: [...serverNotes, ...generatorNotes, ...otherNotes],
  };
}

export function round(value: number, digits: number): number {
  if (!Number.isFinite(value)) return value;
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

export function pct(share: number): string {
  return `${(share * 100).toFixed(share < 0.1 ? 1 : 0)} %`;
}

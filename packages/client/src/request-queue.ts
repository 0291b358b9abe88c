import type { ClientPacket } from "@chat/protocol";
import { type ChatError, closedError, noAnswer, refused } from "./errors.js";
import { Exchange, type RetryPolicy, retryDelay } from "./retry.js";
import type { SendResult } from "./types.js";

/** Retry policy plus the server's address, for the timeout message. */
export interface QueuePolicy extends RetryPolicy {
  host: string;
  port: number;
}

/** The requests answered by a bare OK or ERROR. */
export type OkRequestKind = "register" | "logout" | "private";

export type Outcome =
  /** `rttMs` when the answered request went out once (Karn: a retransmitted one is ambiguous). */
  | { type: "ok"; rttMs?: number }
  | { type: "error"; text: string }
  | { type: "timeout"; tries: number }
  | { type: "closed" };

export interface OkRequest {
  kind: OkRequestKind;
  packet: ClientPacket;
  /** Total tries (1 for a request that must not be repeated, like PRIVATE). */
  maxTries: number;
  waitMs: (attempt: number) => number;
  settle: (outcome: Outcome) => void;
}

/**
 * OK and ERROR carry no request id, so at most one OK-awaiting request is on the wire;
 * the others wait here in order. After a request that was retransmitted or went
 * unanswered, late OKs may still arrive: the queue waits `drainMs` before sending the
 * next request, so such an OK is not taken for the next request's answer.
 */
export class RequestQueue {
  readonly #waiting: OkRequest[] = [];
  #current: { request: OkRequest; exchange: Exchange } | undefined;
  #drainTimer: NodeJS.Timeout | undefined;
  readonly #send: (packet: ClientPacket) => void;
  readonly #policy: QueuePolicy;

  /** The drain wait is the policy's first timeout: time enough for a late answer. */
  constructor(send: (packet: ClientPacket) => void, policy: QueuePolicy) {
    this.#send = send;
    this.#policy = policy;
  }

  /**
   * Queues a request retried with the policy's backoff (`maxTries` in all), resolving on
   * OK with the round-trip time if it was measurable, and rejecting with ChatError: the
   * server's text, a timeout, or closed.
   */
  expectOk(
    kind: OkRequestKind,
    packet: ClientPacket,
    maxTries = this.#policy.retries + 1,
  ): Promise<number | undefined> {
    const policy = this.#policy;
    return new Promise((resolve, reject) => {
      this.push({
        kind,
        packet,
        maxTries,
        waitMs: (attempt) => retryDelay(policy, attempt),
        settle: (outcome) => {
          const error = outcomeError(outcome, policy.host, policy.port);
          if (error) reject(error);
          else resolve(outcome.type === "ok" ? outcome.rttMs : undefined);
        },
      });
    });
  }

  /** The request on the wire, if any, and when it was first sent. */
  get inFlight(): { kind: OkRequestKind; sentAt: number } | undefined {
    const current = this.#current;
    return current && { kind: current.request.kind, sentAt: current.exchange.firstSentAt };
  }

  push(request: OkRequest): void {
    this.#waiting.push(request);
    this.#pump();
  }

  /** An OK arrived: it answers the request on the wire. Returns false if none is. */
  handleOk(): boolean {
    const exchange = this.#current?.exchange;
    if (!exchange || exchange.retransmitted) return this.#settleCurrent({ type: "ok" });
    return this.#settleCurrent({ type: "ok", rttMs: performance.now() - exchange.firstSentAt });
  }

  /** An ERROR was routed to the request on the wire. */
  handleError(text: string): boolean {
    return this.#settleCurrent({ type: "error", text });
  }

  /** Settles every request as closed. */
  close(): void {
    clearTimeout(this.#drainTimer);
    this.#drainTimer = undefined;
    const current = this.#current;
    this.#current = undefined;
    current?.exchange.finish();
    current?.request.settle({ type: "closed" });
    for (const request of this.#waiting.splice(0)) request.settle({ type: "closed" });
  }

  #settleCurrent(outcome: Outcome): boolean {
    const current = this.#current;
    if (!current) return false;
    this.#current = undefined;
    current.exchange.finish();
    const ambiguous = current.exchange.retransmitted || outcome.type === "timeout";
    current.request.settle(outcome);
    if (ambiguous) {
      this.#drainTimer = setTimeout(() => {
        this.#drainTimer = undefined;
        this.#pump();
      }, this.#policy.timeoutMs);
      this.#drainTimer.unref();
    } else {
      this.#pump();
    }
    return true;
  }

  #pump(): void {
    if (this.#current || this.#drainTimer) return;
    const request = this.#waiting.shift();
    if (!request) return;
    const exchange = new Exchange({
      transmit: () => this.#send(request.packet),
      onGiveUp: (tries) => this.#settleCurrent({ type: "timeout", tries }),
      maxTries: request.maxTries,
      waitMs: request.waitMs,
    });
    this.#current = { request, exchange };
    exchange.start();
  }
}

/** The error a REGISTER or LOGOUT outcome rejects with, or undefined for OK. */
export function outcomeError(outcome: Outcome, host: string, port: number): ChatError | undefined {
  if (outcome.type === "ok") return undefined;
  if (outcome.type === "error") return refused(outcome.text);
  if (outcome.type === "closed") return closedError();
  return noAnswer(host, port, outcome.tries);
}

/** What became of a private message, sent once. */
export function sendResult(outcome: Outcome): SendResult {
  if (outcome.type === "ok") return { status: "delivered" };
  if (outcome.type === "error") return { status: "failed", error: outcome.text };
  return { status: "unconfirmed" };
}

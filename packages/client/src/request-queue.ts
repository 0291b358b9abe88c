import type { ClientPacket } from "@chat/protocol";
import { Exchange } from "./retry.js";

/** The requests answered by a bare OK or ERROR. */
export type OkRequestKind = "register" | "logout" | "private";

export type Outcome =
  | { type: "ok" }
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
  readonly #drainMs: number;

  constructor(send: (packet: ClientPacket) => void, drainMs: number) {
    this.#send = send;
    this.#drainMs = drainMs;
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
    return this.#settleCurrent({ type: "ok" });
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
    if (ambiguous && this.#drainMs > 0) {
      this.#drainTimer = setTimeout(() => {
        this.#drainTimer = undefined;
        this.#pump();
      }, this.#drainMs);
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

import { Exchange } from "./retry.js";

interface Waiter<T> {
  resolve: (value: T) => void;
  reject: (error: Error) => void;
}

/**
 * A request whose answer has its own opcode (INFO_RESPONSE, LIST_RESPONSE): one copy on
 * the wire at a time, however many callers wait for it, and it can run beside the
 * OK-awaiting request.
 */
export class SharedCall<T> {
  #exchange: Exchange | undefined;
  #waiters: Array<Waiter<T>> = [];
  readonly #transmit: () => void;
  readonly #waitMs: (attempt: number) => number;
  readonly #timeoutError: (tries: number) => Error;

  constructor(
    transmit: () => void,
    waitMs: (attempt: number) => number,
    timeoutError: (tries: number) => Error,
  ) {
    this.#transmit = transmit;
    this.#waitMs = waitMs;
    this.#timeoutError = timeoutError;
  }

  /** The try on the wire, if any: when it was first sent. */
  get sentAt(): number | undefined {
    const exchange = this.#exchange;
    return exchange && !exchange.done ? exchange.firstSentAt : undefined;
  }

  /** Waits for the answer, sending the request unless a copy is already out. */
  join(maxTries: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#waiters.push({ resolve, reject });
      this.#ensure(maxTries);
    });
  }

  /** Sends the request once with nobody waiting (a keep-alive), unless a copy is out. */
  probe(): void {
    this.#ensure(1);
  }

  /** The answer's first packet arrived: stop retransmitting; returns the exchange. */
  answered(): Exchange | undefined {
    const exchange = this.#exchange;
    exchange?.finish();
    return exchange;
  }

  resolve(value: T): void {
    this.#exchange?.finish();
    this.#exchange = undefined;
    for (const waiter of this.#waiters.splice(0)) waiter.resolve(value);
  }

  reject(error: Error): void {
    this.#exchange?.finish();
    this.#exchange = undefined;
    for (const waiter of this.#waiters.splice(0)) waiter.reject(error);
  }

  #ensure(maxTries: number): void {
    const current = this.#exchange;
    if (current && !current.done) {
      current.maxTries = Math.max(current.maxTries, maxTries);
      return;
    }
    this.#exchange = new Exchange({
      transmit: this.#transmit,
      waitMs: this.#waitMs,
      maxTries,
      onGiveUp: (tries) => {
        this.#exchange = undefined;
        if (this.#waiters.length > 0) this.reject(this.#timeoutError(tries));
      },
    }).start();
  }
}

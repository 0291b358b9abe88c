import { performance } from "node:perf_hooks";
import type { Datagram, Endpoint } from "@chat/core";

/** Sends between two clock reads in a slice. */
const CHUNK = 64;
/**
 * A datagram for at most this many recipients goes straight to the socket when nothing is
 * queued ahead of it (a reply, a private message, a small room's broadcast): no clock read,
 * no queue. Such a burst is too short to matter to the loop; bigger ones are sliced.
 */
const DIRECT_SENDS = 64;

export type SendCallback = (error: Error | null, bytes: number) => void;

/**
 * A dgram `lookup` for IP literals: hands the address straight back, with the family node
 * asks for (4 for a udp4 socket, 6 for udp6). Every address the daemon sends to came from a
 * received datagram and `--host` must be a literal, so there is nothing to resolve; the
 * default lookup (dns.lookup) would defer each send to a later tick, costing a closure per
 * send and hiding the send from the slice timing below, and re-checking the literal (isIP's
 * regular expression) cost about 1 % of a broadcast's CPU.
 */
export function ipLiteralLookup(
  hostname: string,
  family: unknown,
  callback: (error: NodeJS.ErrnoException | null, address: string, family: number) => void,
): void {
  callback(null, hostname, family === 6 ? 6 : 4);
}

/** The one thing the daemon needs from a socket to send; tests inject failing ones. */
export interface Transport {
  send(bytes: Uint8Array, port: number, address: string, callback: SendCallback): void;
}

export interface FanoutOptions {
  /**
   * A slice ends after this many milliseconds or `sendsPerSlice` sends, whichever comes
   * first, so a list push to 10,000 users never keeps incoming datagrams waiting long.
   */
  readonly sliceMs?: number;
  readonly sendsPerSlice?: number;
  /** Sends queued but not yet handed to the socket; beyond it whole datagrams are dropped. */
  readonly maxQueuedSends?: number;
  /** Sends handed to the socket whose callback has not run; above it sending pauses. */
  readonly maxInFlight?: number;
  /** Called for every failed send (callback error or synchronous throw). */
  readonly onError: (error: Error) => void;
  /** Called when a datagram is dropped because the queue is full. */
  readonly onOverflow: (sends: number) => void;
}

export interface FanoutCounters {
  /** Sends handed to the socket. */
  sends: number;
  bytes: number;
  errors: number;
}

/**
 * Sends core's datagrams in FIFO order. A datagram for a few recipients goes out at once,
 * inside the handler of the request that caused it (as a bare dgram server would send it),
 * unless something is queued ahead of it; a large fan-out goes in time-boxed slices, one
 * per macrotask (setImmediate), so that receiving, timers and other replies interleave
 * with it. Hot path: no closure or object per send, one shared callback for every send.
 */
export class Fanout {
  readonly counters: FanoutCounters = { sends: 0, bytes: 0, errors: 0 };
  readonly #transport: Transport;
  readonly #sliceMs: number;
  readonly #sendsPerSlice: number;
  /** Datagrams for this many recipients or fewer may skip the queue. */
  readonly #directSends: number;
  readonly #maxQueuedSends: number;
  readonly #maxInFlight: number;
  readonly #onError: (error: Error) => void;
  readonly #onOverflow: (sends: number) => void;
  #queue: Array<Datagram | undefined> = [];
  #head = 0;
  /** Next recipient of #queue[#head]. */
  #recipient = 0;
  #queuedSends = 0;
  #inFlight = 0;
  #scheduled = false;
  #pumping = false;
  #idleWaiters: Array<() => void> = [];

  constructor(transport: Transport, options: FanoutOptions) {
    this.#transport = transport;
    this.#sliceMs = options.sliceMs ?? 2;
    this.#sendsPerSlice = options.sendsPerSlice ?? 4096;
    this.#directSends = Math.min(DIRECT_SENDS, this.#sendsPerSlice);
    this.#maxQueuedSends = options.maxQueuedSends ?? 2_000_000;
    this.#maxInFlight = options.maxInFlight ?? 4096;
    this.#onError = options.onError;
    this.#onOverflow = options.onOverflow;
  }

  /** Sends not yet handed to the socket. */
  get queuedSends(): number {
    return this.#queuedSends;
  }

  enqueue(datagrams: readonly Datagram[]): void {
    for (let i = 0; i < datagrams.length; i++) {
      const datagram = datagrams[i]!;
      const count = datagram.to.length;
      if (count === 0) continue;
      if (count <= this.#directSends && this.#canSendNow(count)) {
        this.#sendTo(datagram.bytes, datagram.to, 0, count);
        continue;
      }
      if (this.#queuedSends + count > this.#maxQueuedSends) {
        this.#onOverflow(count);
        continue;
      }
      this.#queue.push(datagram);
      this.#queuedSends += count;
    }
    if (this.#queuedSends > 0 && !this.#scheduled && !this.#pumping) this.#pump();
  }

  /** Nothing queued or being sent ahead of it, and room in flight: FIFO order holds. */
  #canSendNow(count: number): boolean {
    return (
      this.#queuedSends === 0 &&
      !this.#pumping &&
      !this.#scheduled &&
      this.#inFlight + count <= this.#maxInFlight
    );
  }

  /** Hands `bytes` to `to[from]` … `to[end - 1]`; hot path: no allocation, one shared callback. */
  #sendTo(bytes: Uint8Array, to: readonly Endpoint[], from: number, end: number): void {
    for (let i = from; i < end; i++) {
      const endpoint = to[i]!;
      this.#inFlight++;
      try {
        this.#transport.send(bytes, endpoint.port, endpoint.address, this.#onSent);
        this.counters.sends++;
        this.counters.bytes += bytes.length;
      } catch (error) {
        // A synchronous throw (socket closed, bad address) means no callback will come.
        this.#inFlight--;
        this.counters.errors++;
        this.#onError(error instanceof Error ? error : new Error(String(error)));
      }
    }
  }

  /** Resolves once everything queued so far has been sent and every callback has run. */
  idle(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #isIdle(): boolean {
    return this.#queuedSends === 0 && this.#inFlight === 0;
  }

  readonly #onSent: SendCallback = (error) => {
    this.#inFlight--;
    if (error) {
      this.counters.errors++;
      this.#onError(error);
    }
    if (this.#canResume() && this.#inFlight < this.#maxInFlight / 2) {
      this.#schedule();
    }
    if (this.#inFlight === 0) this.#wakeIfIdle();
  };

  readonly #pumpLater = (): void => {
    this.#scheduled = false;
    this.#pump();
  };

  #canResume(): boolean {
    return !this.#scheduled && !this.#pumping && this.#queuedSends > 0;
  }

  #schedule(): void {
    this.#scheduled = true;
    setImmediate(this.#pumpLater);
  }

  #pump(): void {
    this.#pumping = true;
    const deadline = performance.now() + this.#sliceMs;
    let budget = this.#sendsPerSlice;
    while (this.#head < this.#queue.length && budget > 0 && this.#inFlight < this.#maxInFlight) {
      const datagram = this.#queue[this.#head]!;
      const { bytes, to } = datagram;
      const room = Math.min(budget, this.#maxInFlight - this.#inFlight, CHUNK);
      const end = Math.min(to.length, this.#recipient + room);
      this.#sendTo(bytes, to, this.#recipient, end);
      const sent = end - this.#recipient;
      budget -= sent;
      this.#queuedSends -= sent;
      if (end === to.length) {
        this.#queue[this.#head] = undefined; // let the bytes be freed
        this.#head++;
        this.#recipient = 0;
      } else {
        this.#recipient = end;
      }
      if (performance.now() >= deadline) break;
    }
    this.#pumping = false;
    if (this.#head === this.#queue.length) {
      this.#queue.length = 0; // drained: reuse the array
      this.#head = 0;
    } else if (this.#inFlight < this.#maxInFlight && !this.#scheduled) {
      this.#schedule();
    } // else: the send callbacks resume pumping as the socket drains.
    this.#wakeIfIdle();
  }

  #wakeIfIdle(): void {
    if (!this.#isIdle() || this.#idleWaiters.length === 0) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const wake of waiters) wake();
  }
}

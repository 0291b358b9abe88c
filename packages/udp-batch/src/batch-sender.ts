import { performance } from "node:perf_hooks";
import type { SendLayout } from "./layout.js";
import { type AddressWords, errnoError, errnoName, type Outgoing } from "./types.js";

/** What the sender needs from the socket: the addon's send and writability wait. */
export interface RowSink {
  /** Where the addon reads a plan row's fields and writes a send's result. */
  readonly layout: SendLayout;
  /** The send-side form of an address, or undefined if the socket cannot send to it. */
  words(address: string): AddressWords | undefined;
  /** sendmmsg(2) over plan rows 0..rows-1; returns rows consumed (sent or failed). */
  send(rows: number): number;
  awaitWritable(): void;
}

export interface BatchSenderOptions {
  /** Rows (datagram copies) per sendmmsg batch. */
  readonly planRows?: number;
  /** Bytes of distinct payloads per batch; at least the largest datagram (65,535). */
  readonly arenaBytes?: number;
  /**
   * A flush ends after this many rows or milliseconds, whichever comes first, and the rest
   * follows on the next macrotask (setImmediate): a list push to 10,000 users never keeps
   * timers and incoming datagrams waiting long.
   */
  readonly rowsPerSlice?: number;
  readonly sliceMs?: number;
  /** Copies queued but not handed to the kernel; beyond it whole datagrams are dropped. */
  readonly maxQueuedSends?: number;
  /** Called for every copy the kernel refused (EMSGSIZE, EACCES, ...), by code. */
  readonly onSendError: (error: Error) => void;
  /** Called when a datagram is dropped because the queue is full. */
  readonly onOverflow: (sends: number) => void;
  /** Tests: make the copy to `to` fail with this error instead of sending it. */
  readonly fault?: (port: number, address: string) => Error | undefined;
}

export interface SenderCounters {
  /** Copies handed to the kernel, and their bytes. */
  sends: number;
  bytes: number;
  /** Copies the kernel refused. */
  errors: number;
  /** Times a batch stopped on EAGAIN or ENOBUFS and waited for the socket, by code. */
  waits: Record<string, number>;
}

/** Rows a batch may retry on ENOBUFS with no progress before the copy counts as failed. */
const MAX_NOBUFS_RETRIES = 64;
const ENOBUFS = 105;

/**
 * Sends datagrams in FIFO order through sendmmsg: enqueue() collects, flush() hands
 * everything collected to the kernel in as few calls as it can (a whole broadcast, or all
 * the replies of one received batch, in one call). When the kernel has no room (EAGAIN,
 * ENOBUFS) the rest stays queued, in order, until the socket is writable; a copy the
 * kernel refuses is counted by its code and skipped. New datagrams always queue behind
 * older ones, so nothing overtakes anything.
 */
export class BatchSender {
  readonly counters: SenderCounters = { sends: 0, bytes: 0, errors: 0, waits: {} };
  readonly buffers: { arena: Uint8Array; plan: Uint32Array; result: Int32Array };
  readonly #sink: RowSink;
  readonly #planRows: number;
  readonly #layout: SendLayout;
  /** A port no datagram can go to: the addon refuses the row alone, with EINVAL. */
  readonly #noPort: number;
  readonly #rowsPerSlice: number;
  readonly #sliceMs: number;
  readonly #maxQueuedSends: number;
  readonly #onSendError: (error: Error) => void;
  readonly #onOverflow: (sends: number) => void;
  readonly #fault: BatchSenderOptions["fault"];
  #queue: Array<Outgoing | undefined> = [];
  #head = 0;
  /** Next recipient of #queue[#head]. */
  #recipient = 0;
  #queuedSends = 0;
  #blocked = false;
  #scheduled = false;
  #closed = false;
  #nobufsRetries = 0;
  #idleWaiters: Array<() => void> = [];
  /** Rows of the packed batch that a test fault fails, with their error. */
  readonly #injected = new Map<number, Error>();

  constructor(sink: RowSink, options: BatchSenderOptions) {
    this.#sink = sink;
    this.#planRows = options.planRows ?? 1024;
    this.#layout = sink.layout;
    this.#noPort = sink.layout.MAX_PORT + 1;
    this.#rowsPerSlice = options.rowsPerSlice ?? 8192;
    this.#sliceMs = options.sliceMs ?? 4;
    this.#maxQueuedSends = options.maxQueuedSends ?? 2_000_000;
    this.#onSendError = options.onSendError;
    this.#onOverflow = options.onOverflow;
    this.#fault = options.fault;
    const arenaBytes = Math.max(options.arenaBytes ?? 1 << 20, 65_536);
    const { PLAN_WORDS, RESULT_FAILED, FAILED_WORDS } = sink.layout;
    this.buffers = {
      arena: new Uint8Array(arenaBytes),
      plan: new Uint32Array(this.#planRows * PLAN_WORDS),
      result: new Int32Array(RESULT_FAILED + FAILED_WORDS * this.#planRows),
    };
  }

  /** Copies queued and not yet handed to the kernel. */
  get queuedSends(): number {
    return this.#queuedSends;
  }

  /** Queues datagrams behind everything queued before; flush() sends them. */
  enqueue(datagrams: readonly Outgoing[]): void {
    if (this.#closed) return;
    for (let i = 0; i < datagrams.length; i++) {
      const datagram = datagrams[i]!;
      const count = datagram.to.length;
      if (count === 0) continue;
      if (this.#queuedSends + count > this.#maxQueuedSends) {
        this.#onOverflow(count);
        continue;
      }
      this.#queue.push(datagram);
      this.#queuedSends += count;
    }
  }

  /** Hands what is queued to the kernel, up to a slice; a large rest follows by macrotask. */
  flush(): void {
    if (this.#blocked || this.#closed) return;
    let budget = this.#rowsPerSlice;
    // Checked between sendmmsg calls (at most planRows copies each, about a millisecond).
    const deadline = performance.now() + this.#sliceMs;
    while (this.#queuedSends > 0 && budget > 0) {
      const rows = this.#pack(Math.min(budget, this.#planRows));
      if (rows === 0) break; // cannot happen: the arena holds the largest datagram
      const consumed = this.#sink.send(rows);
      this.#settle(rows, consumed);
      budget -= consumed;
      if (consumed < rows) {
        if (!this.#wait()) continue; // an ENOBUFS copy given up: go on with the next
        break;
      }
      this.#nobufsRetries = 0;
      if (this.#queuedSends > 0 && performance.now() >= deadline) break;
    }
    if (this.#queuedSends === 0) {
      this.#queue.length = 0;
      this.#head = 0;
      this.#wakeIdle();
    } else if (!this.#blocked && !this.#scheduled) {
      this.#scheduled = true;
      setImmediate(this.#flushLater);
    }
  }

  /** The socket can take datagrams again (the addon's writability callback). */
  writable(): void {
    this.#blocked = false;
    this.flush();
  }

  /** Resolves once everything queued so far has been handed to the kernel. */
  idle(): Promise<void> {
    if (this.#queuedSends === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Drops whatever is queued; later calls do nothing. */
  close(): void {
    this.#closed = true;
    this.#queue = [];
    this.#head = 0;
    this.#recipient = 0;
    this.#queuedSends = 0;
    this.#wakeIdle();
  }

  readonly #flushLater = (): void => {
    this.#scheduled = false;
    this.flush();
  };

  /**
   * Writes up to `limit` rows from the head of the queue into the plan: each datagram's
   * bytes once into the arena, one row per recipient. Returns the rows written.
   */
  #pack(limit: number): number {
    const { arena, plan } = this.buffers;
    const { PLAN_WORDS, PLAN_OFFSET, PLAN_LENGTH, PLAN_PORT, PLAN_SCOPE, PLAN_ADDRESS } =
      this.#layout;
    let rows = 0;
    let used = 0;
    let index = this.#head;
    let recipient = this.#recipient;
    if (this.#injected.size > 0) this.#injected.clear();
    while (rows < limit && index < this.#queue.length) {
      const { bytes, to } = this.#queue[index]!;
      if (used + bytes.length > arena.length) break;
      arena.set(bytes, used);
      for (; recipient < to.length && rows < limit; recipient++, rows++) {
        const endpoint = to[recipient]!;
        const row = rows * PLAN_WORDS;
        const injected = this.#fault?.(endpoint.port, endpoint.address);
        if (injected !== undefined) this.#injected.set(rows, injected);
        const address = injected === undefined ? this.#sink.words(endpoint.address) : undefined;
        plan[row + PLAN_OFFSET] = used;
        plan[row + PLAN_LENGTH] = bytes.length;
        if (address === undefined) {
          // No form for the socket's family (or a test fault): the row fails alone.
          plan[row + PLAN_PORT] = this.#noPort;
          continue;
        }
        plan[row + PLAN_PORT] = endpoint.port;
        plan[row + PLAN_SCOPE] = address.scope;
        plan[row + PLAN_ADDRESS] = address.a0;
        plan[row + PLAN_ADDRESS + 1] = address.a1;
        plan[row + PLAN_ADDRESS + 2] = address.a2;
        plan[row + PLAN_ADDRESS + 3] = address.a3;
      }
      used += bytes.length;
      if (recipient === to.length) {
        index++;
        recipient = 0;
      }
    }
    return rows;
  }

  /** Counts the `consumed` rows of a batch of `rows`, reports failures, advances the queue. */
  #settle(rows: number, consumed: number): void {
    const { plan, result } = this.buffers;
    const { PLAN_WORDS, PLAN_LENGTH, RESULT_FAILURES, RESULT_FAILED } = this.#layout;
    const { FAILED_WORDS, FAILED_ROW, FAILED_ERRNO } = this.#layout;
    const failures = result[RESULT_FAILURES]!;
    let bytes = 0;
    for (let i = 0; i < consumed; i++) bytes += plan[i * PLAN_WORDS + PLAN_LENGTH]!;
    for (let f = 0; f < failures; f++) {
      const failure = RESULT_FAILED + f * FAILED_WORDS;
      const row = result[failure + FAILED_ROW]!;
      bytes -= plan[row * PLAN_WORDS + PLAN_LENGTH]!;
      this.#report(row, result[failure + FAILED_ERRNO]!);
    }
    this.counters.sends += consumed - failures;
    this.counters.bytes += bytes;
    this.counters.errors += failures;
    if (consumed < rows) {
      const code = errnoName(result[this.#layout.RESULT_BLOCKED_ERRNO]!);
      this.counters.waits[code] = (this.counters.waits[code] ?? 0) + 1;
    }
    this.#advance(consumed);
  }

  /** Reports the failure of plan row `row` (still at its place in the queue). */
  #report(row: number, errno: number): void {
    const injected = this.#injected.get(row);
    if (injected !== undefined) {
      this.#onSendError(injected);
      return;
    }
    const to = this.#recipientAt(row);
    const error = errnoError(errnoName(errno), errno, "send", to);
    this.#onSendError(error);
  }

  /** The endpoint of plan row `row` of the batch just packed. */
  #recipientAt(row: number): { address: string; port: number } {
    let index = this.#head;
    let offset = this.#recipient + row;
    for (;;) {
      const { to } = this.#queue[index]!;
      if (offset < to.length) return to[offset]!;
      offset -= to.length;
      index++;
    }
  }

  #advance(rows: number): void {
    this.#queuedSends -= rows;
    while (rows > 0) {
      const { to } = this.#queue[this.#head]!;
      const left = to.length - this.#recipient;
      if (rows < left) {
        this.#recipient += rows;
        return;
      }
      rows -= left;
      this.#queue[this.#head] = undefined; // let the bytes be freed
      this.#head++;
      this.#recipient = 0;
    }
  }

  /**
   * The kernel had no room. EAGAIN: wait for writability. ENOBUFS can persist while the
   * socket polls writable, so after a few retries without progress that copy counts as
   * failed and sending goes on (returns false).
   */
  #wait(): boolean {
    const errno = this.buffers.result[this.#layout.RESULT_BLOCKED_ERRNO]!;
    if (errno === ENOBUFS && ++this.#nobufsRetries > MAX_NOBUFS_RETRIES) {
      this.#nobufsRetries = 0;
      this.#injected.clear();
      this.#report(0, errno);
      this.counters.errors++;
      this.#advance(1);
      return false;
    }
    this.#blocked = true;
    this.#sink.awaitWritable();
    return true;
  }

  #wakeIdle(): void {
    if (this.#queuedSends !== 0 || this.#idleWaiters.length === 0) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const wake of waiters) wake();
  }
}

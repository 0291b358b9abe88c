import { describe, expect, it } from "vitest";
import { BatchSender, type RowSink } from "./batch-sender.js";
import type { SendLayout } from "./layout.js";
import type { Endpoint } from "./types.js";

const EAGAIN = 11;
const ENOBUFS = 105;
const EMSGSIZE = 90;

/**
 * A layout unlike the addon's (fields shuffled, rows padded): the sender must write and
 * read every field where the layout says, never where the addon happens to put it today.
 */
const SHUFFLED: SendLayout = {
  PLAN_WORDS: 11,
  PLAN_ADDRESS: 1,
  PLAN_SCOPE: 5,
  PLAN_PORT: 7,
  PLAN_LENGTH: 9,
  PLAN_OFFSET: 10,
  RESULT_BLOCKED_ERRNO: 0,
  RESULT_FAILURES: 2,
  RESULT_FAILED: 3,
  FAILED_WORDS: 3,
  FAILED_ERRNO: 0,
  FAILED_ROW: 2,
  MAX_PORT: 65_535,
};

/**
 * A kernel stand-in for the queueing rules alone (the socket tests use the real kernel,
 * which on loopback never runs out of room): each send() takes at most `room` rows, then
 * reports `errno` for the rest, until writable() is called. Rows whose port is in
 * `refusedPorts` fail alone with EMSGSIZE, as sendmmsg reports a datagram too large.
 */
class ScriptedSink implements RowSink {
  readonly layout = SHUFFLED;
  readonly sent: number[] = [];
  /** Every row handed over: its fields as read through the layout. */
  readonly rows: Array<{ byte: number; length: number; port: number; a0: number }> = [];
  readonly refusedPorts = new Set<number>();
  room = Number.POSITIVE_INFINITY;
  errno = EAGAIN;
  waits = 0;
  sender!: BatchSender;

  words(address: string) {
    return { scope: 0, a0: Number(address.split(".")[3]), a1: 0, a2: 0, a3: 0 };
  }

  send(rows: number): number {
    const { plan, arena, result } = this.sender.buffers;
    const L = this.layout;
    const take = Math.min(rows, this.room);
    let failures = 0;
    for (let i = 0; i < take; i++) {
      const row = i * L.PLAN_WORDS;
      const port = plan[row + L.PLAN_PORT]!;
      const fields = {
        byte: arena[plan[row + L.PLAN_OFFSET]!]!,
        length: plan[row + L.PLAN_LENGTH]!,
        port,
        a0: plan[row + L.PLAN_ADDRESS]!,
      };
      this.rows.push(fields);
      if (port > L.MAX_PORT || this.refusedPorts.has(port)) {
        const failure = L.RESULT_FAILED + failures++ * L.FAILED_WORDS;
        result[failure + L.FAILED_ROW] = i;
        result[failure + L.FAILED_ERRNO] = port > L.MAX_PORT ? 22 : EMSGSIZE;
        continue;
      }
      this.sent.push(fields.byte);
    }
    this.room -= take;
    result[L.RESULT_FAILURES] = failures;
    result[L.RESULT_BLOCKED_ERRNO] = take < rows ? this.errno : 0;
    return take;
  }

  awaitWritable(): void {
    this.waits++;
  }
}

function setup(options: { rowsPerSlice?: number; planRows?: number; sliceMs?: number } = {}) {
  const sink = new ScriptedSink();
  const errors: string[] = [];
  const sender = new BatchSender(sink, {
    ...options,
    onSendError: (error) => errors.push((error as Error & { code: string }).code),
    onOverflow: () => {},
  });
  sink.sender = sender;
  return { sink, sender, errors };
}

const to = (count: number): Endpoint[] =>
  Array.from({ length: count }, (_, i) => ({ address: "127.0.0.1", port: 1000 + i }));
const datagram = (tag: number, recipients: number) => ({
  bytes: Uint8Array.of(tag),
  to: to(recipients),
});

describe("BatchSender", () => {
  it("sends everything enqueued in one flush, in order", () => {
    const { sink, sender } = setup();
    sender.enqueue([datagram(1, 3), datagram(2, 1), datagram(3, 2)]);
    expect(sink.sent).toEqual([]);
    sender.flush();
    expect(sink.sent).toEqual([1, 1, 1, 2, 3, 3]);
    expect(sender.counters).toMatchObject({ sends: 6, bytes: 6, errors: 0 });
  });

  it("writes each row and reads each failure where the layout says", () => {
    const { sink, sender, errors } = setup();
    sink.refusedPorts.add(1001);
    sender.enqueue([
      { bytes: Uint8Array.of(5, 5, 5), to: to(2) },
      { bytes: Uint8Array.of(6), to: [{ address: "10.0.0.9", port: 1000 }] },
    ]);
    sender.flush();
    expect(sink.rows).toEqual([
      { byte: 5, length: 3, port: 1000, a0: 1 },
      { byte: 5, length: 3, port: 1001, a0: 1 },
      { byte: 6, length: 1, port: 1000, a0: 9 },
    ]);
    expect(errors).toEqual(["EMSGSIZE"]);
    expect(sender.counters).toMatchObject({ sends: 2, bytes: 4, errors: 1 });
  });

  it("keeps the rest queued when the kernel has no room, and nothing overtakes it", async () => {
    const { sink, sender } = setup();
    sink.room = 4;
    sender.enqueue([datagram(1, 3), datagram(2, 3)]);
    sender.flush();
    expect(sink.sent).toEqual([1, 1, 1, 2]);
    expect(sink.waits).toBe(1);
    // Enqueued and flushed while blocked: waits behind the older copies.
    sender.enqueue([datagram(3, 1)]);
    sender.flush();
    expect(sink.sent).toEqual([1, 1, 1, 2]);
    const idle = sender.idle();
    sink.room = Number.POSITIVE_INFINITY;
    sender.writable();
    await idle;
    expect(sink.sent).toEqual([1, 1, 1, 2, 2, 2, 3]);
    expect(sender.counters.waits).toEqual({ EAGAIN: 1 });
    expect(sender.queuedSends).toBe(0);
  });

  it("gives up on a copy only after ENOBUFS persists, counting it, and goes on", () => {
    const { sink, sender, errors } = setup();
    sink.room = 0;
    sink.errno = ENOBUFS;
    sender.enqueue([datagram(1, 1), datagram(2, 1)]);
    sender.flush(); // the first try
    for (let i = 0; i < 63; i++) sender.writable();
    expect(errors).toEqual([]);
    sender.writable(); // the 65th try without progress
    expect(errors).toEqual(["ENOBUFS"]);
    sink.room = Number.POSITIVE_INFINITY;
    sender.writable();
    expect(sink.sent).toEqual([2]);
    expect(sender.counters).toMatchObject({ sends: 1, errors: 1 });
  });

  it("sends a large fan-out in slices, the rest on the next macrotask", async () => {
    // The slice ends on rows here, never on time (a loaded machine once ended it at 64).
    const { sink, sender } = setup({ rowsPerSlice: 100, planRows: 64, sliceMs: 60_000 });
    sender.enqueue([datagram(7, 250)]);
    sender.flush();
    expect(sink.sent).toHaveLength(100);
    await sender.idle();
    expect(sink.sent).toHaveLength(250);
  });

  it("drops what is queued on close and ignores later datagrams", async () => {
    const { sink, sender } = setup();
    sink.room = 1;
    sender.enqueue([datagram(1, 5)]);
    sender.flush();
    sender.close();
    await sender.idle();
    sender.enqueue([datagram(2, 1)]);
    sender.writable();
    expect(sink.sent).toEqual([1]);
  });
});

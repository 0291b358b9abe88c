import { describe, expect, it } from "vitest";
import { BatchSender, type RowSink } from "./batch-sender.js";
import type { Endpoint } from "./types.js";

const EAGAIN = 11;
const ENOBUFS = 105;
const PLAN_WORDS = 8;

/**
 * A kernel stand-in for the queueing rules alone (the socket tests use the real kernel,
 * which on loopback never runs out of room): each send() takes at most `room` rows, then
 * reports `errno` for the rest, until writable() is called.
 */
class ScriptedSink implements RowSink {
  readonly planWords = PLAN_WORDS;
  readonly sent: number[] = [];
  room = Number.POSITIVE_INFINITY;
  errno = EAGAIN;
  waits = 0;
  sender!: BatchSender;

  words(address: string) {
    return { scope: 0, a0: Number(address.split(".")[3]), a1: 0, a2: 0, a3: 0 };
  }

  send(rows: number): number {
    const { plan, arena, result } = this.sender.buffers;
    const take = Math.min(rows, this.room);
    for (let i = 0; i < take; i++) this.sent.push(arena[plan[i * PLAN_WORDS]!]!);
    this.room -= take;
    result[0] = 0;
    result[1] = take < rows ? this.errno : 0;
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

import type { Datagram, Endpoint } from "@chat/core";
import { describe, expect, it } from "vitest";
import { Fanout, type SendCallback, type Transport } from "./fanout.js";

interface Sent {
  bytes: Uint8Array;
  port: number;
  address: string;
}

/** Records sends; completes them when told, like a socket whose callbacks come later. */
class RecordingTransport implements Transport {
  readonly sent: Sent[] = [];
  readonly pending: SendCallback[] = [];
  constructor(private readonly fail?: (port: number) => Error | "throw" | undefined) {}

  send(bytes: Uint8Array, port: number, address: string, callback: SendCallback): void {
    const failure = this.fail?.(port);
    if (failure === "throw") throw new Error("socket is closed");
    this.sent.push({ bytes, port, address });
    this.pending.push((_, n) => callback(failure ?? null, failure ? 0 : n));
  }

  completeAll(): void {
    for (const callback of this.pending.splice(0)) callback(null, 0);
  }
}

function endpoints(count: number, firstPort = 1): Endpoint[] {
  return Array.from({ length: count }, (_, i) => ({ address: "127.0.0.1", port: firstPort + i }));
}

function datagram(byte: number, to: Endpoint[]): Datagram {
  return { bytes: Uint8Array.of(byte), to };
}

const macrotask = () => new Promise<void>((resolve) => setImmediate(resolve));

function fanout(
  transport: Transport,
  overrides: Partial<ConstructorParameters<typeof Fanout>[1]> = {},
) {
  const errors: Error[] = [];
  const overflows: number[] = [];
  const instance = new Fanout(transport, {
    sendsPerSlice: 10,
    onError: (error) => errors.push(error),
    onOverflow: (sends) => overflows.push(sends),
    ...overrides,
  });
  return { instance, errors, overflows };
}

describe("Fanout", () => {
  it("sends a small reply at once, in the same turn", () => {
    const transport = new RecordingTransport();
    const { instance } = fanout(transport);
    instance.enqueue([datagram(1, endpoints(1, 4000))]);
    expect(transport.sent).toEqual([{ bytes: Uint8Array.of(1), port: 4000, address: "127.0.0.1" }]);
  });

  it("sends every small datagram of one request at once, in order", () => {
    const transport = new RecordingTransport();
    const { instance } = fanout(transport);
    // A PRIVATE: the forward to the receiver, then the OK to the sender.
    instance.enqueue([datagram(1, endpoints(1, 5000)), datagram(2, endpoints(1, 6000))]);
    expect(transport.sent.map((s) => [s.bytes[0], s.port])).toEqual([
      [1, 5000],
      [2, 6000],
    ]);
    expect(instance.queuedSends).toBe(0);
  });

  it("does not let a small datagram overtake a fan-out queued in the same call", async () => {
    const transport = new RecordingTransport();
    const { instance } = fanout(transport);
    instance.enqueue([datagram(1, endpoints(15)), datagram(2, endpoints(1, 9000))]);
    expect(transport.sent.map((s) => s.bytes[0])).toEqual(Array(10).fill(1));
    while (transport.sent.length < 16) await macrotask();
    expect(transport.sent.map((s) => s.bytes[0])).toEqual([...Array(15).fill(1), 2]);
  });

  it("holds small datagrams to the in-flight cap too", async () => {
    const transport = new RecordingTransport();
    const { instance } = fanout(transport, { maxInFlight: 3 });
    instance.enqueue([datagram(1, endpoints(2, 100)), datagram(2, endpoints(2, 200))]);
    expect(transport.sent.map((s) => s.port)).toEqual([100, 101, 200]);
    transport.completeAll();
    await macrotask();
    expect(transport.sent.map((s) => s.port)).toEqual([100, 101, 200, 201]);
    transport.completeAll();
    await instance.idle();
  });

  it("splits a large fan-out into slices, one per macrotask", async () => {
    const transport = new RecordingTransport();
    const { instance } = fanout(transport);
    instance.enqueue([datagram(7, endpoints(35))]);
    expect(transport.sent).toHaveLength(10);
    await macrotask();
    expect(transport.sent).toHaveLength(20);
    await macrotask();
    await macrotask();
    expect(transport.sent).toHaveLength(35);
    expect(transport.sent.map((s) => s.port)).toEqual(endpoints(35).map((e) => e.port));
    expect(instance.queuedSends).toBe(0);
  });

  it("keeps FIFO order: a reply queued behind a fan-out waits for it", async () => {
    const transport = new RecordingTransport();
    const { instance } = fanout(transport);
    instance.enqueue([datagram(1, endpoints(15))]);
    instance.enqueue([datagram(2, endpoints(1, 9000))]);
    while (transport.sent.length < 16) await macrotask();
    expect(transport.sent.map((s) => s.bytes[0])).toEqual([...Array(15).fill(1), 2]);
  });

  it("sends the same bytes to every recipient without copying", async () => {
    const transport = new RecordingTransport();
    const { instance } = fanout(transport);
    const shared = datagram(3, endpoints(25));
    instance.enqueue([shared]);
    while (transport.sent.length < 25) await macrotask();
    expect(transport.sent.every((s) => s.bytes === shared.bytes)).toBe(true);
  });

  it("becomes idle only after every send callback has run", async () => {
    const transport = new RecordingTransport();
    const { instance } = fanout(transport);
    instance.enqueue([datagram(1, endpoints(3))]);
    let idle = false;
    const done = instance.idle().then(() => {
      idle = true;
    });
    await macrotask();
    expect(idle).toBe(false);
    transport.completeAll();
    await done;
    expect(idle).toBe(true);
  });

  it("counts failed sends and keeps sending to the others", async () => {
    const refused = Object.assign(new Error("send ECONNREFUSED"), { code: "ECONNREFUSED" });
    const transport = new RecordingTransport((port) => (port === 2 ? refused : undefined));
    const { instance, errors } = fanout(transport);
    instance.enqueue([datagram(1, endpoints(4))]);
    transport.completeAll();
    await instance.idle();
    expect(transport.sent).toHaveLength(4);
    expect(errors).toEqual([refused]);
    expect(instance.counters).toMatchObject({ sends: 4, errors: 1 });
  });

  it("survives a transport that throws and still becomes idle", async () => {
    const transport = new RecordingTransport((port) => (port === 1 ? "throw" : undefined));
    const { instance, errors } = fanout(transport);
    instance.enqueue([datagram(1, endpoints(3))]);
    transport.completeAll();
    await instance.idle();
    expect(errors.map((e) => e.message)).toEqual(["socket is closed"]);
    expect(instance.counters).toMatchObject({ sends: 2, errors: 1 });
  });

  it("drops whole datagrams past the queue bound and reports them", () => {
    const transport = new RecordingTransport();
    const { instance, overflows } = fanout(transport, { maxQueuedSends: 20 });
    instance.enqueue([
      datagram(1, endpoints(15)),
      datagram(2, endpoints(10)),
      datagram(3, endpoints(5)),
    ]);
    expect(overflows).toEqual([10]);
    // 15 + 5 queued; the first slice of 10 went out at once.
    expect(instance.queuedSends).toBe(10);
  });

  it("pauses while too many sends are in flight and resumes as they complete", async () => {
    const transport = new RecordingTransport();
    const { instance } = fanout(transport, { maxInFlight: 10, sendsPerSlice: 100 });
    instance.enqueue([datagram(1, endpoints(30))]);
    expect(transport.sent).toHaveLength(10);
    await macrotask();
    expect(transport.sent).toHaveLength(10);
    transport.completeAll();
    await macrotask();
    expect(transport.sent).toHaveLength(20);
    transport.completeAll();
    await macrotask();
    transport.completeAll();
    await instance.idle();
    expect(transport.sent).toHaveLength(30);
  });
});

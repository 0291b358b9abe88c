import { createSocket } from "node:dgram";

/**
 * Many distinct source endpoints, each sending a few datagrams then gone: sockets bound on
 * `ipCount` addresses 127.1.x.y and explicit ports from `firstPort` up (so that no endpoint
 * repeats), at most `concurrency` open at once, closed and replaced as they finish.
 * node:dgram directly: this is the one place that must forge hundreds of thousands of
 * source endpoints, and the SDK's per-socket bookkeeping would only slow it down.
 */
export interface ChurnOptions {
  readonly host: string;
  readonly port: number;
  readonly ipCount: number;
  readonly firstPort: number;
  /** Endpoints `from` (inclusive) to `to` (exclusive) of the sequence; none repeats. */
  readonly from: number;
  readonly to: number;
  /** What each endpoint sends, in order. */
  readonly datagrams: readonly Uint8Array[];
  readonly concurrency: number;
  /** Called after every `pauseEvery` endpoints; the next ones wait for it (flow control). */
  readonly pauseEvery: number;
  readonly pause: () => Promise<void>;
}

export interface ChurnResult {
  endpoints: number;
  datagrams: number;
  bindFailures: number;
  seconds: number;
}

/** The index-th address of 127.1.0.1 onwards (up to 65,534 of them). */
export function churnAddress(index: number): string {
  const n = 0x01_00_00 + index + 1;
  return `127.${(n >> 16) & 0xff}.${(n >> 8) & 0xff}.${n & 0xff}`;
}

export async function churn(options: ChurnOptions): Promise<ChurnResult> {
  const result: ChurnResult = { endpoints: 0, datagrams: 0, bindFailures: 0, seconds: 0 };
  const started = performance.now();
  let next = options.from;
  let gate: Promise<void> = Promise.resolve();

  const one = async (index: number): Promise<void> => {
    // Port-major order: consecutive endpoints differ in address, as a spoofed flood would.
    const address = churnAddress(index % options.ipCount);
    const port = options.firstPort + Math.floor(index / options.ipCount);
    const socket = createSocket("udp4");
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once("error", reject);
        socket.bind({ address, port, exclusive: true }, () => {
          socket.off("error", reject);
          resolve();
        });
      });
    } catch {
      result.bindFailures++;
      socket.close();
      return;
    }
    socket.on("error", () => {}); // late ICMP errors of a socket about to close
    for (const bytes of options.datagrams) {
      await new Promise<void>((resolve) =>
        socket.send(bytes, options.port, options.host, () => resolve()),
      );
      result.datagrams++;
    }
    result.endpoints++;
    await new Promise<void>((resolve) => socket.close(() => resolve()));
  };

  const worker = async (): Promise<void> => {
    while (next < options.to) {
      const index = next++;
      if (index > options.from && index % options.pauseEvery === 0) gate = options.pause();
      await gate;
      await one(index);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  result.seconds = (performance.now() - started) / 1000;
  return result;
}

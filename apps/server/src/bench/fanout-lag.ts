/**
 * How long does a large fan-out block the event loop? Sends a list push to 10,000 users
 * (6 datagrams each: 60,000 sends) through Fanout on a real UDP socket to loopback, for
 * several slice sizes and in-flight caps, and prints the longest event-loop stall, the total
 * time and the rate. The receiving sockets live in a worker thread, so their work is not
 * counted as the sender's stall.
 * Run: pnpm --filter server bench:fanout   (after a build)
 */
import { createSocket, type Socket } from "node:dgram";
import { isMainThread, parentPort, Worker } from "node:worker_threads";
import type { Datagram, Endpoint } from "@chat/core";
import { Fanout, ipLiteralLookup } from "../fanout.js";

const USERS = 10_000;
const DATAGRAMS_PER_PUSH = 6;
const RECEIVERS = 50;
const BYTES = new Uint8Array(1000).fill(0x61);

async function bound(type: "udp4"): Promise<Socket> {
  const socket = createSocket({ type, lookup: ipLiteralLookup });
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  return socket;
}

/** Longest gap between 1 ms ticks while `work` runs: what a waiting datagram would feel. */
async function measure(
  sliceMs: number,
  sendsPerSlice: number,
  maxInFlight: number,
  sender: Socket,
  recipients: Endpoint[],
) {
  const fanout = new Fanout(
    { send: (bytes, port, address, callback) => sender.send(bytes, port, address, callback) },
    { sliceMs, sendsPerSlice, maxInFlight, onError: () => {}, onOverflow: () => {} },
  );
  const push: Datagram[] = Array.from({ length: DATAGRAMS_PER_PUSH }, () => ({
    bytes: BYTES,
    to: recipients,
  }));
  let last = performance.now();
  let longest = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 1);
  await new Promise((resolve) => setTimeout(resolve, 20));
  longest = 0;
  last = performance.now();
  const start = performance.now();
  fanout.enqueue(push);
  await fanout.idle();
  const total = performance.now() - start;
  await new Promise((resolve) => setTimeout(resolve, 5));
  clearInterval(ticker);
  return { total, longest, errors: fanout.counters.errors, sends: fanout.counters.sends };
}

async function measureIdle(ms: number): Promise<number> {
  let last = performance.now();
  let longest = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 1);
  await new Promise((resolve) => setTimeout(resolve, ms));
  clearInterval(ticker);
  return longest;
}

/** Worker side: bind the receivers, report their ports, count what arrives on request. */
async function receive(): Promise<void> {
  const receivers = await Promise.all(Array.from({ length: RECEIVERS }, () => bound("udp4")));
  let received = 0;
  for (const receiver of receivers) receiver.on("message", () => received++);
  parentPort!.on("message", (message: string) => {
    if (message === "count") {
      parentPort!.postMessage(received);
      received = 0;
    } else {
      for (const receiver of receivers) receiver.close();
      parentPort!.close();
    }
  });
  parentPort!.postMessage(receivers.map((receiver) => receiver.address().port));
}

async function main(): Promise<void> {
  const worker = new Worker(new URL(import.meta.url));
  const ask = <T>(message?: string) =>
    new Promise<T>((resolve) => {
      worker.once("message", resolve);
      if (message) worker.postMessage(message);
    });
  const ports = await ask<number[]>();
  const recipients = Array.from({ length: USERS }, (_, i) => ({
    address: "127.0.0.1",
    port: ports[i % ports.length]!,
  }));
  const sender = await bound("udp4");
  sender.setSendBufferSize(4 * 1024 * 1024);

  console.log(`fan-out of ${USERS * DATAGRAMS_PER_PUSH} sends (${BYTES.length} B) to loopback`);
  console.log(
    "slice ms | slice sends | in flight | longest stall ms | total ms | sends/s | received",
  );
  const ALL = Number.MAX_SAFE_INTEGER;
  const label = (n: number) => (n === ALL ? "all" : String(n));
  const runs: Array<[number, number, number]> = [
    [ALL, ALL, ALL], // no slicing at all
    [ALL, 2048, ALL], // count slices only, no in-flight cap
    [4, 4096, 4096], // the daemon's defaults
    [4, 4096, 1024],
    [4, 4096, 256],
    [2, 4096, 4096],
    [8, 8192, 8192],
  ];
  // The same ticker with nothing to send: what the OS scheduler alone costs on this machine.
  const idle = await measureIdle(700);
  console.log(`idle baseline: longest stall ${idle.toFixed(1)} ms over 700 ms with no sends`);
  for (const [sliceMs, slice, inFlight] of runs) {
    const r = await measure(sliceMs, slice, inFlight, sender, recipients);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const received = await ask<number>("count");
    const rate = Math.round(r.sends / (r.total / 1000));
    console.log(
      [
        label(sliceMs).padStart(8),
        label(slice).padStart(11),
        label(inFlight).padStart(9),
        r.longest.toFixed(1).padStart(16),
        r.total.toFixed(0).padStart(8),
        String(rate).padStart(7),
        String(received).padStart(8),
      ].join(" | "),
    );
  }
  sender.close();
  worker.postMessage("stop");
}

if (isMainThread) await main();
else await receive();

/**
 * How long does a large fan-out block the event loop? Sends a list push to 10,000 users
 * (6 datagrams each: 60,000 sends) through Fanout on a real UDP socket to loopback, for
 * several slice settings, and prints the longest stall between two 1 ms timer ticks:
 * - wall: what a waiting datagram would feel, including time the OS gave to other processes;
 * - cpu: the CPU this process used between two ticks, which is the fan-out's own doing and
 *   does not depend on how loaded the machine is.
 * The receiving sockets live in a child process, so their work is not counted.
 * Run: pnpm --filter server bench:fanout
 */
import { type ChildProcess, fork } from "node:child_process";
import { createSocket, type Socket } from "node:dgram";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import type { Datagram, Endpoint } from "@chat/core";
import { Fanout, ipLiteralLookup } from "../fanout.js";

const USERS = 10_000;
const DATAGRAMS_PER_PUSH = 6;
const RECEIVERS = 50;
const BYTES = new Uint8Array(1000).fill(0x61);
const ALL = Number.MAX_SAFE_INTEGER;

async function bound(): Promise<Socket> {
  const socket = createSocket({ type: "udp4", lookup: ipLiteralLookup });
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  return socket;
}

/** Longest wall-clock and CPU time between two ticks of a 1 ms interval. */
class StallMeter {
  wall = 0;
  cpu = 0;
  #lastWall = performance.now();
  #lastCpu = cpuMs();
  readonly #ticker = setInterval(() => this.#tick(), 1);

  #tick(): void {
    const wall = performance.now();
    const cpu = cpuMs();
    this.wall = Math.max(this.wall, wall - this.#lastWall);
    this.cpu = Math.max(this.cpu, cpu - this.#lastCpu);
    this.#lastWall = wall;
    this.#lastCpu = cpu;
  }

  stop(): void {
    this.#tick();
    clearInterval(this.#ticker);
  }
}

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

async function measure(options: [number, number, number], sender: Socket, to: Endpoint[]) {
  const [sliceMs, sendsPerSlice, maxInFlight] = options;
  const fanout = new Fanout(
    { send: (bytes, port, address, callback) => sender.send(bytes, port, address, callback) },
    { sliceMs, sendsPerSlice, maxInFlight, onError: () => {}, onOverflow: () => {} },
  );
  const push: Datagram[] = Array.from({ length: DATAGRAMS_PER_PUSH }, () => ({ bytes: BYTES, to }));
  await sleep(20);
  const meter = new StallMeter();
  const start = performance.now();
  fanout.enqueue(push);
  await fanout.idle();
  const total = performance.now() - start;
  await sleep(5);
  meter.stop();
  return { total, meter, errors: fanout.counters.errors, sends: fanout.counters.sends };
}

/** Child side: bind the receivers, report their ports, count what arrives on request. */
async function receive(): Promise<void> {
  const receivers = await Promise.all(Array.from({ length: RECEIVERS }, () => bound()));
  let received = 0;
  for (const receiver of receivers) receiver.on("message", () => received++);
  process.on("message", (message) => {
    if (message === "count") {
      process.send?.(received);
      received = 0;
    } else {
      for (const receiver of receivers) receiver.close();
      process.disconnect?.();
    }
  });
  process.send?.(receivers.map((receiver) => receiver.address().port));
}

function ask<T>(child: ChildProcess, message?: string): Promise<T> {
  return new Promise<T>((resolve) => {
    child.once("message", (reply) => resolve(reply as T));
    if (message) child.send(message);
  });
}

async function main(): Promise<void> {
  const child = fork(fileURLToPath(import.meta.url), ["receive"]);
  const ports = await ask<number[]>(child);
  const recipients = Array.from({ length: USERS }, (_, i) => ({
    address: "127.0.0.1",
    port: ports[i % ports.length]!,
  }));
  const sender = await bound();
  sender.setSendBufferSize(4 * 1024 * 1024);

  const idle = new StallMeter();
  await sleep(700);
  idle.stop();
  console.log(`fan-out of ${USERS * DATAGRAMS_PER_PUSH} sends (${BYTES.length} B) to loopback`);
  console.log(
    `idle baseline over 700 ms: longest stall wall ${idle.wall.toFixed(1)} ms, cpu ${idle.cpu.toFixed(1)} ms`,
  );
  console.log(
    "slice ms | slice sends | in flight | stall wall ms | stall cpu ms | total ms | sends/s | received",
  );
  const label = (n: number) => (n === ALL ? "all" : String(n));
  const runs: Array<[number, number, number]> = [
    [ALL, ALL, ALL], // no slicing at all
    [ALL, 2048, ALL], // count slices only, no in-flight cap
    [2, 4096, 4096], // the daemon's defaults
    [2, 4096, 1024],
    [4, 4096, 4096],
    [8, 8192, 8192],
  ];
  for (const run of runs) {
    const r = await measure(run, sender, recipients);
    await sleep(100);
    const received = await ask<number>(child, "count");
    const rate = Math.round(r.sends / (r.total / 1000));
    console.log(
      [
        label(run[0]).padStart(8),
        label(run[1]).padStart(11),
        label(run[2]).padStart(9),
        r.meter.wall.toFixed(1).padStart(13),
        r.meter.cpu.toFixed(1).padStart(12),
        r.total.toFixed(0).padStart(8),
        String(rate).padStart(7),
        String(received).padStart(8),
      ].join(" | "),
    );
  }
  sender.close();
  child.send("stop");
}

if (process.argv[2] === "receive") await receive();
else await main();

import { ErrorText, Opcode } from "@chat/protocol";
import type { TestClient } from "../client.js";
import type { Received } from "../probe.js";

/** Datagrams sent back to back before yielding, so a flood does not overrun socket buffers. */
const CHUNK = 25;

/** Sends `count` copies of `bytes` as fast as the event loop allows, in small chunks. */
export async function blast(client: TestClient, bytes: Uint8Array, count: number): Promise<void> {
  for (let sent = 0; sent < count; sent += CHUNK) {
    for (let i = sent; i < Math.min(count, sent + CHUNK); i++) client.sendRaw(bytes);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

export interface Arrival {
  readonly at: number;
  readonly received: Received;
}

/** Everything that arrives until nothing has come for `quietMs`, with arrival times. */
export async function gather(client: TestClient, quietMs: number): Promise<Arrival[]> {
  const arrivals: Arrival[] = [];
  for (;;) {
    const received = await client.receive(quietMs);
    if (received === undefined) return arrivals;
    arrivals.push({ at: Date.now(), received });
  }
}

export function isRateLimited(arrival: Arrival): boolean {
  const { received } = arrival;
  return (
    "packet" in received &&
    received.packet.opcode === Opcode.ERROR &&
    received.packet.text === ErrorText.RATE_LIMITED
  );
}

export function countOpcode(arrivals: Arrival[], opcode: number): number {
  return arrivals.filter(
    ({ received }) => "packet" in received && received.packet.opcode === opcode,
  ).length;
}

/** The shortest gap between two `rate limited` ERRORs, or Infinity when there are fewer than two. */
export function shortestGapMs(arrivals: Arrival[]): number {
  const times = arrivals.filter(isRateLimited).map(({ at }) => at);
  let shortest = Number.POSITIVE_INFINITY;
  for (let i = 1; i < times.length; i++) {
    shortest = Math.min(shortest, (times[i] as number) - (times[i - 1] as number));
  }
  return shortest;
}

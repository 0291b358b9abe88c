import { ChatServer, type Datagram, type Endpoint } from "@chat/core";
import { decode, encode, type Packet } from "@chat/protocol";
import { RedisDirectory } from "../redis-directory.js";

/** One recipient's view of one packet. */
export interface Received {
  readonly to: Endpoint;
  readonly packet: Packet;
}

/**
 * A cluster node in this process: a real core and a real RedisDirectory on a real Redis,
 * with the sockets left out (datagrams are collected), so the cluster's logic is tested
 * fast and exactly; the daemon tests cover the same paths over UDP.
 */
export class TestNode {
  readonly core: ChatServer;
  readonly directory: RedisDirectory;
  readonly received: Received[] = [];

  constructor(
    url: string,
    prefix: string,
    options: { leaseMs?: number; renewMs?: number; maxUsers?: number; busLength?: number } = {},
  ) {
    const maxUsers = options.maxUsers ?? 10_000;
    this.directory = new RedisDirectory({ url, prefix, ...options, maxUsers });
    this.core = new ChatServer({ rateLimit: false, maxUsers }, { directory: this.directory });
  }

  start(waitMs?: number): Promise<boolean> {
    const host = {
      core: this.core,
      output: (datagrams: readonly Datagram[]) => this.collect(datagrams),
      now: () => Date.now(),
    };
    return this.directory.start(host, waitMs);
  }

  send(from: Endpoint, packet: Packet): void {
    this.collect(this.core.receive(encode(packet), from, Date.now()));
  }

  /** What `endpoint` has received so far. */
  packetsTo(endpoint: Endpoint): Packet[] {
    return this.received
      .filter((r) => r.to.address === endpoint.address && r.to.port === endpoint.port)
      .map((r) => r.packet);
  }

  private collect(datagrams: readonly Datagram[]): void {
    for (const d of datagrams) {
      const packet = decode(d.bytes, { direction: "toClient" });
      for (const to of d.to) this.received.push({ to, packet });
    }
  }
}

export function endpoint(n: number): Endpoint {
  return { address: "127.0.0.1", port: 20_000 + n };
}

/** Waits until `check` returns true (polling; never a fixed sleep), or fails after `ms`. */
export async function until(check: () => boolean, ms = 10_000, what = "condition"): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

import { decode, encode, type Packet } from "@chat/protocol";
import { ChatServer } from "../chat-server.js";
import type { ServerSettings } from "../settings.js";
import type { Datagram, Endpoint } from "../types.js";

/** A fixed start time for fake clocks: 2026-11-26T05:40:00Z. */
export const T0 = Date.UTC(2026, 10, 26, 5, 40, 0);

/** Endpoint number `n`, each on its own non-exempt IPv4 address unless `address` is given. */
export function peer(n: number, address?: string): Endpoint {
  return {
    address: address ?? `198.51.${(n >> 8) & 0xff}.${n & 0xff}`,
    port: 40_000 + (n % 20_000),
  };
}

/** One datagram as one recipient sees it. */
export interface Seen {
  readonly to: Endpoint;
  readonly packet: Packet;
}

/** Flattens datagrams into (recipient, decoded packet) pairs, in order. */
export function seen(datagrams: readonly Datagram[]): Seen[] {
  const out: Seen[] = [];
  for (const d of datagrams) {
    const packet = decode(d.bytes, { direction: "toClient" });
    for (const to of d.to) out.push({ to, packet });
  }
  return out;
}

/** The packets sent to `endpoint`. */
export function to(datagrams: readonly Datagram[], endpoint: Endpoint): Packet[] {
  return seen(datagrams)
    .filter((s) => s.to.address === endpoint.address && s.to.port === endpoint.port)
    .map((s) => s.packet);
}

/**
 * A ChatServer with a fake clock, for tests. Its peers sit on non-exempt addresses, and the
 * address check is off unless a test sets it: the RFC's behaviour, which most tests check;
 * the revision 3 tests (chat-server.address-check.test.ts) turn it on.
 */
export class TestServer {
  readonly server: ChatServer;
  now = T0;

  constructor(settings?: Partial<ServerSettings>) {
    this.server = new ChatServer({ addressCheck: "off", ...settings });
  }

  send(from: Endpoint, packet: Packet): readonly Datagram[] {
    return this.server.receive(encode(packet), from, this.now);
  }

  raw(from: Endpoint, bytes: Uint8Array | number[]): readonly Datagram[] {
    return this.server.receive(Uint8Array.from(bytes), from, this.now);
  }

  /** What `from` alone got back for `packet`. */
  reply(from: Endpoint, packet: Packet): Packet[] {
    return to(this.send(from, packet), from);
  }

  register(from: Endpoint, name: string): Packet[] {
    return this.reply(from, { opcode: 11, name });
  }

  advance(ms: number): readonly Datagram[] {
    this.now += ms;
    return this.server.tick(this.now);
  }
}

export const OK: Packet = { opcode: 0 };
export function error(text: string): Packet {
  return { opcode: 1, text };
}

import { createSocket, type Socket } from "node:dgram";
import { isIP } from "node:net";
import { seededRandom } from "@chat/protocol/testing";

/** Probabilities in [0, 1], applied to each datagram in each direction. */
export interface LossSettings {
  /** Datagrams silently dropped. */
  drop?: number;
  /** Datagrams sent twice. */
  duplicate?: number;
  /** Datagrams held back and sent after the next one (or after `holdMs`). */
  reorder?: number;
}

export interface LossyProxyOptions extends LossSettings {
  /** The server behind the proxy; must be a loopback address. */
  target: { host: string; port: number };
  /** Seed of the PRNG that decides every drop, duplicate and reorder (default 1). */
  seed?: number;
  /** Most client endpoints tracked at once; the least recently active is evicted. Default 256. */
  maxClients?: number;
  /** Longest a reordered datagram is held when nothing follows it. Default 20 ms. */
  holdMs?: number;
}

export interface ProxyStats {
  /** Datagrams received, from clients and from the server. */
  received: number;
  /** Datagrams sent on (a duplicate counts twice). */
  forwarded: number;
  dropped: number;
  duplicated: number;
  reordered: number;
  /** Client endpoints seen since start. */
  clients: number;
}

export interface LossyProxy {
  host: "127.0.0.1";
  port: number;
  readonly stats: ProxyStats;
  /** Changes the probabilities from now on (fields left out keep their value). */
  setLoss(settings: LossSettings): void;
  close(): Promise<void>;
}

interface Lane {
  /** Each lane draws from its own PRNG, so its decisions do not hang on timing elsewhere. */
  random: () => number;
  /** Sends one datagram on in this direction. */
  deliver: (bytes: Buffer) => void;
  held: Buffer | undefined;
  holdTimer: NodeJS.Timeout | undefined;
}

interface Client {
  upstream: Socket;
  /** Resolves once the upstream socket is bound; datagrams wait for it, in order. */
  ready: Promise<void>;
  closed: boolean;
  toServer: Lane;
  toClient: Lane;
}

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|localhost)$/;

/**
 * A UDP proxy on 127.0.0.1 that loses, duplicates and reorders datagrams, for tests of
 * retransmission. Each client endpoint gets its own upstream socket, so the server sees
 * as many distinct endpoints as there are clients.
 */
export async function startLossyProxy(options: LossyProxyOptions): Promise<LossyProxy> {
  const { host: targetHost, port: targetPort } = options.target;
  if (!LOOPBACK.test(targetHost)) {
    throw new Error(`lossy proxy: target ${targetHost} is not a loopback address`);
  }
  const upstreamType = isIP(targetHost) === 6 ? "udp6" : "udp4";
  const seed = options.seed ?? 1;
  const loss: Required<LossSettings> = { drop: 0, duplicate: 0, reorder: 0 };
  const setLoss = (settings: LossSettings) => {
    for (const key of ["drop", "duplicate", "reorder"] as const) {
      const value = settings[key];
      if (value !== undefined) loss[key] = Math.min(1, Math.max(0, value));
    }
  };
  setLoss(options);
  const maxClients = options.maxClients ?? 256;
  const holdMs = options.holdMs ?? 20;
  const stats: ProxyStats = {
    received: 0,
    forwarded: 0,
    dropped: 0,
    duplicated: 0,
    reordered: 0,
    clients: 0,
  };
  // Insertion order doubles as recency order: a client is re-inserted when active.
  const clients = new Map<string, Client>();
  const front = createSocket("udp4");
  await bind(front, "127.0.0.1");

  const send = (lane: Lane, bytes: Buffer) => {
    stats.forwarded++;
    lane.deliver(bytes);
  };
  const release = (lane: Lane) => {
    clearTimeout(lane.holdTimer);
    lane.holdTimer = undefined;
    const held = lane.held;
    lane.held = undefined;
    if (held) send(lane, held);
  };
  const pass = (lane: Lane, bytes: Buffer) => {
    stats.received++;
    const random = lane.random;
    if (random() < loss.drop) {
      stats.dropped++;
      return;
    }
    const copies = random() < loss.duplicate ? 2 : 1;
    if (copies === 2) stats.duplicated++;
    if (lane.held === undefined && random() < loss.reorder) {
      stats.reordered++;
      lane.held = bytes;
      lane.holdTimer = setTimeout(() => release(lane), holdMs);
      if (copies === 2) send(lane, bytes);
      return;
    }
    for (let i = 0; i < copies; i++) send(lane, bytes);
    release(lane);
  };

  const clientFor = (address: string, port: number): Client => {
    const key = `${address}:${port}`;
    const known = clients.get(key);
    if (known) {
      clients.delete(key);
      clients.set(key, known);
      return known;
    }
    if (clients.size >= maxClients) {
      const [oldestKey, oldest] = clients.entries().next().value as [string, Client];
      clients.delete(oldestKey);
      closeClient(oldest);
    }
    const upstream = createSocket(upstreamType);
    const client: Client = {
      upstream,
      ready: bind(upstream, upstreamType === "udp6" ? "::1" : "127.0.0.1"),
      closed: false,
      toServer: lane(seededRandom(seed + 2 * stats.clients), (bytes) => {
        if (!client.closed) upstream.send(bytes, targetPort, targetHost);
      }),
      toClient: lane(seededRandom(seed + 2 * stats.clients + 1), (bytes) => {
        if (!closed) front.send(bytes, port, address);
      }),
    };
    clients.set(key, client);
    stats.clients++;
    upstream.on("error", () => {});
    upstream.on("message", (bytes) => pass(client.toClient, bytes));
    return client;
  };

  let closed = false;
  front.on("error", () => {});
  front.on("message", (bytes, from) => {
    const client = clientFor(from.address, from.port);
    client.ready.then(
      () => pass(client.toServer, bytes),
      () => {},
    );
  });

  return {
    host: "127.0.0.1",
    port: front.address().port,
    stats,
    setLoss,
    close: async () => {
      if (closed) return;
      closed = true;
      for (const client of clients.values()) closeClient(client);
      clients.clear();
      await new Promise<void>((resolve) => front.close(() => resolve()));
    },
  };
}

function lane(random: () => number, deliver: (bytes: Buffer) => void): Lane {
  return { random, deliver, held: undefined, holdTimer: undefined };
}

function closeClient(client: Client): void {
  client.closed = true;
  clearTimeout(client.toServer.holdTimer);
  clearTimeout(client.toClient.holdTimer);
  client.upstream.close();
}

function bind(socket: Socket, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(0, address, () => {
      socket.off("error", reject);
      resolve();
    });
  });
}

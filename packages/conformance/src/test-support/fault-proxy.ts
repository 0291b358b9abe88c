import { createSocket, type RemoteInfo, type Socket } from "node:dgram";

/*
 * A UDP proxy in front of our daemon that breaks one rule on purpose, so tests can show
 * that the check for that rule fails, and says why. Each client endpoint gets its own
 * upstream socket, so the server still tells clients apart.
 */

export interface Fault {
  /**
   * What reaches the server for one client datagram; `reply` answers the client directly.
   * `peer` names the client endpoint, for faults that keep state per client.
   */
  toServer?(bytes: Buffer, reply: (bytes: Uint8Array) => void, peer: string): Uint8Array[];
  /** What reaches the client for one server datagram. */
  toClient?(bytes: Buffer, peer: string): Uint8Array[];
  /** Called for every client endpoint once its upstream socket is up. */
  onClient?(upstream: (bytes: Uint8Array) => void, peer: string): () => void;
}

export interface FaultProxy {
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

interface Peer {
  readonly socket: Socket;
  readonly ready: Promise<void>;
  stop?: () => void;
}

export async function startFaultProxy(
  target: { host: string; port: number },
  fault: Fault,
): Promise<FaultProxy> {
  const front = createSocket("udp4");
  const peers = new Map<string, Peer>();
  const toClient = (from: RemoteInfo) => (bytes: Uint8Array) =>
    front.send(bytes, from.port, from.address);

  front.on("message", (bytes, from) => {
    const key = `${from.address}:${from.port}`;
    let peer = peers.get(key);
    if (peer === undefined) peer = openPeer(key, from);
    const { socket, ready } = peer;
    void ready.then(() => {
      const outs = fault.toServer ? fault.toServer(bytes, toClient(from), key) : [bytes];
      for (const out of outs) socket.send(out, target.port, target.host);
    });
  });

  function openPeer(key: string, from: RemoteInfo): Peer {
    const socket = createSocket("udp4");
    const ready = new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", () => resolve()));
    const peer: Peer = { socket, ready };
    peers.set(key, peer);
    socket.on("message", (bytes) => {
      const outs = fault.toClient ? fault.toClient(bytes, key) : [bytes];
      for (const out of outs) toClient(from)(out);
    });
    void ready.then(() => {
      peer.stop = fault.onClient?.((out) => socket.send(out, target.port, target.host), key);
    });
    return peer;
  }

  await new Promise<void>((resolve) => front.bind(0, "127.0.0.1", () => resolve()));
  return {
    host: "127.0.0.1",
    port: front.address().port,
    async close() {
      for (const peer of peers.values()) {
        peer.stop?.();
        await new Promise<void>((resolve) => peer.socket.close(() => resolve()));
      }
      await new Promise<void>((resolve) => front.close(() => resolve()));
    },
  };
}

import { ChatSocket } from "@chat/client";

/** Bytes and datagrams that crossed one direction. */
export interface Flow {
  datagrams: number;
  bytes: number;
}

/**
 * Sockets bound on chosen 127.x.y.z addresses, standing in for forged source addresses:
 * on loopback a packet "from" 127.0.1.1 is one sent by a socket bound there. Counts what
 * goes out and what comes back, per source IP.
 */
export class ForgedSources {
  readonly sockets: ChatSocket[] = [];
  readonly sent = new Map<string, Flow>();
  readonly received = new Map<string, Flow>();

  static async open(
    server: { host: string; port: number },
    addresses: readonly string[],
    socketsPerAddress: number,
  ): Promise<ForgedSources> {
    const forged = new ForgedSources();
    for (const address of addresses) {
      forged.sent.set(address, { datagrams: 0, bytes: 0 });
      forged.received.set(address, { datagrams: 0, bytes: 0 });
      for (let i = 0; i < socketsPerAddress; i++) {
        const socket = await ChatSocket.open({
          ...server,
          bindAddress: address,
          queueLimit: 1_000,
        });
        const flow = forged.received.get(address) as Flow;
        const count = (_: unknown, bytes: Buffer) => {
          flow.datagrams++;
          flow.bytes += bytes.length;
        };
        socket.onPacket(count);
        socket.onMalformed((_, bytes) => count(undefined, bytes));
        forged.sockets.push(socket);
      }
    }
    return forged;
  }

  /** Sends from the i-th socket (round robin) and counts it. */
  send(index: number, bytes: Uint8Array): ChatSocket {
    const socket = this.sockets[index % this.sockets.length] as ChatSocket;
    const flow = this.sent.get(socket.localAddress) as Flow;
    flow.datagrams++;
    flow.bytes += bytes.length;
    socket.sendRaw(bytes);
    return socket;
  }

  async close(): Promise<void> {
    await Promise.all(this.sockets.map((socket) => socket.close()));
  }
}

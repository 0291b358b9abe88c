import { type ChatClient, type ClientOptions, connect } from "@chat/client";

/**
 * A room of honest ChatClients on 127.0.0.1: they register, broadcast numbered messages,
 * and count every copy they receive, so a test can say which deliveries went missing.
 */
export class HonestRoom {
  readonly clients: ChatClient[] = [];
  /** `${receiver} <- ${message}` -> copies received. */
  readonly #received = new Map<string, number>();
  readonly #sent: string[] = [];

  static async open(
    server: { host: string; port: number },
    count: number,
    prefix: string,
    options: Partial<ClientOptions> = {},
  ): Promise<HonestRoom> {
    const room = new HonestRoom();
    for (let i = 0; i < count; i++) {
      const name = `${prefix}${i}`;
      // Keep-alive off: the tests drive all traffic and count every datagram.
      const client = await connect({ ...server, keepAliveMs: 0, ...options, name });
      client.on("broadcast", ({ message }) => {
        const key = `${name} <- ${message}`;
        room.#received.set(key, (room.#received.get(key) ?? 0) + 1);
      });
      room.clients.push(client);
    }
    return room;
  }

  /** One broadcast from every client; resolves when each has its own copy (or timed out). */
  async broadcastRound(round: number): Promise<void> {
    await Promise.all(
      this.clients.map((client) => {
        const message = `${client.name} says ${round}`;
        this.#sent.push(message);
        return client.broadcast(message);
      }),
    );
  }

  /** Deliveries expected so far: every message sent, to every client. */
  get expected(): number {
    return this.#sent.length * this.clients.length;
  }

  /** Which (receiver, message) pairs never arrived, and how many arrived more than once. */
  tally(): { delivered: number; missing: string[]; duplicates: number } {
    const missing: string[] = [];
    let delivered = 0;
    let duplicates = 0;
    for (const message of this.#sent) {
      for (const client of this.clients) {
        const copies = this.#received.get(`${client.name} <- ${message}`) ?? 0;
        if (copies === 0) missing.push(`${client.name} <- ${message}`);
        delivered += Math.min(copies, 1);
        duplicates += Math.max(0, copies - 1);
      }
    }
    return { delivered, missing, duplicates };
  }

  async close(): Promise<void> {
    await Promise.all(this.clients.map((client) => client.close()));
  }
}

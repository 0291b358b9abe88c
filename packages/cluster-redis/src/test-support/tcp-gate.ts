import { connect, createServer, type Server, type Socket } from "node:net";

/**
 * A TCP proxy to Redis for one node that a test can close (every connection cut, new ones
 * refused) and open again: that node's network to Redis going down and coming back while
 * the other nodes' stays up.
 */
export class TcpGate {
  readonly #server: Server;
  readonly #open = new Set<Socket>();
  #accepting = true;

  private constructor(server: Server) {
    this.#server = server;
  }

  static async start(targetPort: number): Promise<TcpGate> {
    const server = createServer();
    const gate = new TcpGate(server);
    server.on("connection", (client) => gate.#relay(client, targetPort));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return gate;
  }

  get url(): string {
    const { port } = this.#server.address() as { port: number };
    return `redis://127.0.0.1:${port}`;
  }

  /** Cuts every connection and refuses new ones. */
  close(): void {
    this.#accepting = false;
    for (const socket of this.#open) socket.destroy();
    this.#open.clear();
  }

  reopen(): void {
    this.#accepting = true;
  }

  stop(): Promise<void> {
    this.close();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  #relay(client: Socket, targetPort: number): void {
    if (!this.#accepting) {
      client.destroy();
      return;
    }
    const upstream = connect(targetPort, "127.0.0.1");
    for (const [a, b] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      this.#open.add(a);
      a.on("error", () => b.destroy());
      a.on("close", () => {
        this.#open.delete(a);
        b.destroy();
      });
      a.pipe(b);
    }
  }
}

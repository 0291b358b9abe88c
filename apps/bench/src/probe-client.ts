/** The bench's end of probe.ts: collects a server's reports and asks it for live heap. */
import { createSocket, type Socket } from "node:dgram";

export interface ProbeStats {
  /** Milliseconds (performance.now of the bench) when the report arrived. */
  at: number;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  cpuSeconds: number;
  /** Longest time the loop could not run a timer, since the previous report. */
  loopDelayMaxMs: number;
  /** The same, counting only CPU time the server used meanwhile (not waiting for a core). */
  loopBusyStallMaxMs: number;
}

export interface LiveMemory {
  rss: number;
  heapUsed: number;
  heapTotal: number;
}

type Reply = { type: string; id?: number; ok?: boolean } & ProbeStats & LiveMemory;

export class ProbeClient {
  readonly #socket: Socket;
  readonly #reports: ProbeStats[] = [];
  readonly #waiting = new Map<number, (reply: Reply) => void>();
  #probePort = 0;
  #nextId = 1;
  #hello: (() => void) | undefined;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.on("message", (bytes, from) => this.#receive(bytes.toString(), from.port));
  }

  static async open(): Promise<ProbeClient> {
    const socket = createSocket("udp4");
    await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
    return new ProbeClient(socket);
  }

  /** The port a server's probe reports to (its BENCH_PROBE_PORT). */
  get port(): number {
    return this.#socket.address().port;
  }

  /** Resolves once the probe has said hello, so live-heap requests can reach it. */
  ready(timeoutMs = 5_000): Promise<void> {
    if (this.#probePort) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error("the server's probe never reported")),
        timeoutMs,
      );
      this.#hello = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** Reports received after `since` (a performance.now() time). */
  reportsSince(since: number): ProbeStats[] {
    return this.#reports.filter((report) => report.at >= since);
  }

  latest(): ProbeStats | undefined {
    return this.#reports.at(-1);
  }

  /** Collects garbage in the server and returns the memory still in use. */
  async liveMemory(): Promise<LiveMemory> {
    const { rss, heapUsed, heapTotal } = await this.#request("gc");
    return { rss, heapUsed, heapTotal };
  }

  /** Stops the server's profiler (BENCH_PROBE_CPU_PROFILE) and waits until it is written. */
  async stopProfile(): Promise<void> {
    const reply = await this.#request("profile-stop", 30_000);
    if (!reply.ok) throw new Error("the server's probe failed to write its CPU profile");
  }

  #request(type: string, timeoutMs = 5_000): Promise<Reply> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(id);
        reject(new Error(`the server's probe did not answer a ${type} request`));
      }, timeoutMs);
      this.#waiting.set(id, (reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
      this.#socket.send(JSON.stringify({ type, id }), this.#probePort, "127.0.0.1");
    });
  }

  close(): void {
    this.#socket.close();
  }

  #receive(text: string, fromPort: number): void {
    const message = JSON.parse(text) as Reply;
    if (message.type === "hello") {
      this.#probePort = fromPort;
      this.#hello?.();
    } else if (message.type === "stats") {
      const { rss, heapUsed, heapTotal, cpuSeconds, loopDelayMaxMs, loopBusyStallMaxMs } = message;
      this.#reports.push({
        at: performance.now(),
        rss,
        heapUsed,
        heapTotal,
        cpuSeconds,
        loopDelayMaxMs,
        loopBusyStallMaxMs,
      });
      if (this.#reports.length > 20_000) this.#reports.splice(0, 10_000);
    } else if (message.id !== undefined) {
      this.#waiting.get(message.id)?.(message);
      this.#waiting.delete(message.id);
    }
  }
}

import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface, type Interface } from "node:readline";
import { fileURLToPath } from "node:url";

const SCRIPT = fileURLToPath(new URL("./forge.py", import.meta.url));

/** Whether this process may open a raw socket (root). The forged-source tests need it. */
export const canForge = typeof process.getuid === "function" && process.getuid() === 0;

/** What one job put on the wire: datagrams, and UDP payload bytes (what the server reads). */
export interface Forged {
  readonly sent: number;
  readonly bytes: number;
}

/** Where forged datagrams come from: listed sources, or every port of one address. */
export type Sources =
  | { readonly sources: ReadonlyArray<readonly [address: string, port: number]> }
  | { readonly src: string; readonly ports: readonly [low: number, high: number] };

/**
 * Datagrams with forged IPv4 source addresses, sent through a raw socket by forge.py (root,
 * loopback only: the script refuses any other destination or source). A real attacker's
 * packets, not sockets bound on the addresses: nothing here can receive an answer.
 */
export class RawForger {
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #lines: Interface;
  readonly #answers: string[] = [];
  readonly #waiting: Array<(line: string) => void> = [];

  private constructor(child: ChildProcessWithoutNullStreams) {
    this.#child = child;
    this.#lines = createInterface({ input: child.stdout });
    this.#lines.on("line", (line) => {
      const next = this.#waiting.shift();
      if (next) next(line);
      else this.#answers.push(line);
    });
  }

  static async open(): Promise<RawForger> {
    const child = spawn("python3", [SCRIPT], { stdio: ["pipe", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk) => {
      stderr += String(chunk);
    });
    const forger = new RawForger(child);
    const ready = await Promise.race([
      forger.#next(),
      once(child, "exit").then(() => {
        throw new Error(`forge.py exited: ${stderr.trim()}`);
      }),
    ]);
    if (!ready.includes('"ready"')) throw new Error(`forge.py: ${ready} ${stderr}`);
    return forger;
  }

  /** Sends `payload` to 127.0.0.1:`port` from each source; resolves once all are out. */
  async send(port: number, payload: Uint8Array, from: Sources, pps = 0): Promise<Forged> {
    const job = {
      dst: "127.0.0.1",
      dport: port,
      payload: Buffer.from(payload).toString("hex"),
      pps,
    };
    this.#child.stdin.write(`${JSON.stringify({ ...job, ...from })}\n`);
    const answer = JSON.parse(await this.#next()) as Forged & { error?: string };
    if (answer.error !== undefined) throw new Error(`forge.py: ${answer.error}`);
    return answer;
  }

  async close(): Promise<void> {
    this.#child.stdin.end();
    if (this.#child.exitCode === null) await once(this.#child, "exit");
  }

  #next(): Promise<string> {
    const ready = this.#answers.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    return new Promise((resolve) => this.#waiting.push(resolve));
  }
}

/** The main thread's side of the load workers: start them, ask them, stop them. */
import { Worker } from "node:worker_threads";
import type { Command, Reply } from "./messages.js";

const WORKER = new URL("./worker.js", import.meta.url);

export class WorkerPool {
  readonly #workers: Worker[];
  readonly #pending = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void }
  >();
  #nextId = 1;

  constructor(size: number) {
    this.#workers = Array.from({ length: size }, () => {
      const worker = new Worker(WORKER);
      worker.on("message", (reply: Reply) => this.#settle(reply));
      worker.on("error", (error) => this.#failAll(error));
      worker.on("exit", (code) => {
        if (code !== 0) this.#failAll(new Error(`a load worker exited with code ${code}`));
      });
      return worker;
    });
  }

  get size(): number {
    return this.#workers.length;
  }

  /** Sends `command` to worker `index` and resolves with its result. */
  ask<T>(index: number, command: Command): Promise<T> {
    const worker = this.#workers[index];
    if (!worker) return Promise.reject(new Error(`no worker ${index}`));
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker.postMessage({ id, command });
    });
  }

  /** Asks every worker at once; `command(i)` builds worker i's command. */
  askAll<T>(command: (index: number) => Command): Promise<T[]> {
    return Promise.all(this.#workers.map((_, i) => this.ask<T>(i, command(i))));
  }

  async close(): Promise<void> {
    await Promise.all(this.#workers.map((worker) => worker.terminate()));
  }

  #settle(reply: Reply): void {
    const pending = this.#pending.get(reply.id);
    if (!pending) return;
    this.#pending.delete(reply.id);
    if (reply.ok) pending.resolve(reply.result);
    else pending.reject(new Error(reply.error));
  }

  #failAll(error: Error): void {
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }
}

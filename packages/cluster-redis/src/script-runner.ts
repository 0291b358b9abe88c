import type { Redis } from "ioredis";
import type { ScriptName } from "./scripts.js";

/**
 * Runs the Lua scripts by EVALSHA. They are loaded on every (re)join, so a Redis restarted
 * empty never answers NOSCRIPT: a client that fell back to EVAL would send the command
 * twice, and in a different order from the commands around it.
 *
 * A command that times out on a connection that looks up means the link is gone without a
 * reset (a partition): the connection is dropped and made again, so that the node notices
 * at once, commands stuck in the old socket never run late, and a new connection gets
 * through as soon as the network does (the old one would wait out TCP's backoff).
 */
export class ScriptRunner {
  #shas: Partial<Record<ScriptName, string>> = {};

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly scripts: Readonly<Record<ScriptName, string>>,
  ) {}

  async load(): Promise<void> {
    for (const name of Object.keys(this.scripts) as ScriptName[]) {
      const sha = await this.redis.script("LOAD", this.scripts[name]).catch(this.#failed);
      this.#shas[name] = sha as string;
    }
  }

  /** One EVALSHA, the key prefix first (scripts.ts). */
  run(name: ScriptName, args: readonly (string | Buffer)[]): Promise<unknown> {
    const sha = this.#shas[name];
    if (sha === undefined) return Promise.reject(new Error("scripts not loaded"));
    return this.redis.evalsha(sha, 0, this.prefix, ...args).catch(this.#failed);
  }

  readonly #failed = (error: unknown): never => {
    if (isTimeout(error) && this.redis.status === "ready") this.redis.disconnect(true);
    throw error;
  };
}

export function isTimeout(error: unknown): boolean {
  return error instanceof Error && error.message === "Command timed out";
}

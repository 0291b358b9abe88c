import type { Redis } from "ioredis";
import type { ScriptName } from "./scripts.js";

/**
 * Runs the Lua scripts by EVALSHA. They are loaded on every (re)join, so a Redis restarted
 * empty never answers NOSCRIPT: a client that fell back to EVAL would send the command
 * twice, and in a different order from the commands around it.
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
      this.#shas[name] = (await this.redis.script("LOAD", this.scripts[name])) as string;
    }
  }

  /** One EVALSHA, the key prefix first (scripts.ts). */
  run(name: ScriptName, args: readonly (string | Buffer)[]): Promise<unknown> {
    const sha = this.#shas[name];
    if (sha === undefined) return Promise.reject(new Error("scripts not loaded"));
    return this.redis.evalsha(sha, 0, this.prefix, ...args);
  }
}

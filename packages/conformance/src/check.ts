import type { TestClient } from "./client.js";
import type { Settings } from "./settings.js";

/** Settings a check depends on; the runner skips the check, saying why, when they do not hold. */
export interface Needs {
  /** The target enforces per-endpoint rate limits (not --no-rate-limit). */
  readonly rateLimits?: true;
  /** The target's per-IP limits apply to the tester (--per-ip-limits). */
  readonly perIpLimits?: true;
  /** The target expires users after a short userTimeout (or --slow). */
  readonly shortUserTimeout?: true;
  /** The target pushes the list after a short listInterval (or --slow). */
  readonly shortListInterval?: true;
  /** The target's maxUsers is small enough to fill. */
  readonly smallMaxUsers?: true;
  /** A second target, another node of the same cluster (a second --target). */
  readonly twoTargets?: true;
  /** The target speaks revision 3's address check (not --no-address-check). */
  readonly addressCheck?: true;
  /** The target challenges every plain REGISTER (--address-check-always). */
  readonly addressCheckAlways?: true;
}

export interface Check {
  /** Its group (sections.ts) and a number inside it: "3.2". */
  readonly id: string;
  /** Title of the docs/protocol.md section its group checks: "Who is who". */
  readonly section: string;
  /** What a conforming server does, as one sentence. */
  readonly title: string;
  readonly needs?: Needs;
  /** Longest the check may take with these settings; the runner's default otherwise. */
  budgetMs?(settings: Settings): number;
  run(ctx: CheckContext): Promise<void>;
}

/** What a check gets from the runner: fresh endpoints, unique names, the settings. */
export interface CheckContext {
  readonly settings: Settings;
  /** A new UDP endpoint that holds no name; `at` picks the target (0, the first, by default). */
  client(at?: number): Promise<TestClient>;
  /** A new UDP endpoint registered under a fresh unique name (or `name`) at target `at`. */
  registered(name?: string, at?: number): Promise<TestClient>;
  /** A fresh name no other check uses: `<hint>-<random>`, at most 32 bytes. */
  name(hint?: string): string;
  sleep(ms: number): Promise<void>;
  /** Ends the check as skipped, for conditions found only while it runs. */
  skip(reason: string): never;
}

/** A broken rule: what the protocol expects and what the target did. */
export class CheckFailure extends Error {
  override readonly name = "CheckFailure";
}

/** Thrown by `ctx.skip`. */
export class CheckSkipped extends Error {
  override readonly name = "CheckSkipped";
}

export function fail(expected: string, got: string): never {
  throw new CheckFailure(`expected ${expected}, got ${got}`);
}

export function assert(condition: boolean, expected: string, got: string): asserts condition {
  if (!condition) fail(expected, got);
}

/** Runs one step of a check; a failure inside names the step: `for "a b": expected …`. */
export async function step<T>(label: string, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof CheckFailure) throw new CheckFailure(`${label}: ${error.message}`);
    throw error;
  }
}

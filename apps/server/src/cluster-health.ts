import type { Logger } from "./logger.js";
import { redactUrls } from "./redact.js";

/** While Redis stays unreachable for the same reason, its log line repeats this often. */
export const REPEAT_MS = 30_000;
/** A new reason is logged at once, but no more than once in this long (a flapping one). */
const NEW_REASON_MS = 1000;

/**
 * The log of why cluster mode cannot reach Redis: the reason at once (also at start), the
 * same reason again every REPEAT_MS while it lasts (with how long and how many errors), and
 * one line when Redis is back. At most one line a second whatever Redis does.
 */
export class ClusterHealthLog {
  #reason: string | undefined;
  #since = 0;
  #loggedAt = Number.NEGATIVE_INFINITY;
  #errors = 0;

  constructor(
    private readonly logger: Logger,
    private readonly target: string,
    private readonly clock: () => number = Date.now,
  ) {}

  /** The reason of the error in progress; undefined while Redis answers. */
  get reason(): string | undefined {
    return this.#reason;
  }

  error(reason: string): void {
    const now = this.clock();
    this.#errors++;
    const fresh = reason !== this.#reason;
    if (this.#reason === undefined) this.#since = now;
    this.#reason = reason;
    const due = fresh ? now - this.#loggedAt >= NEW_REASON_MS : now - this.#loggedAt >= REPEAT_MS;
    if (!due) return;
    this.#loggedAt = now;
    this.logger.warn(
      {
        reason: redactUrls(reason),
        target: this.target,
        forSeconds: Math.round((now - this.#since) / 1000),
        errors: this.#errors,
      },
      "cluster Redis unreachable",
    );
  }

  ready(): void {
    if (this.#reason === undefined) return;
    const now = this.clock();
    this.logger.info(
      {
        target: this.target,
        afterSeconds: Math.round((now - this.#since) / 1000),
        errors: this.#errors,
      },
      "cluster Redis reachable again",
    );
    this.#reason = undefined;
    this.#errors = 0;
    this.#loggedAt = Number.NEGATIVE_INFINITY;
  }
}

/** Watches Redis for the daemon in cluster mode; the watch closes with the returned function. */
export async function watchCluster(url: string, logger: Logger): Promise<() => void> {
  const { RedisWatch } = await import("@chat/cluster-redis");
  const log = new ClusterHealthLog(logger.child({ component: "cluster" }), redactUrls(url));
  const watch = new RedisWatch(url, {
    error: (reason) => log.error(reason),
    ready: () => log.ready(),
  });
  watch.start();
  return () => watch.close();
}

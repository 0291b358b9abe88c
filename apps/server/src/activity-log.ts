import type { CoreEvent, RefusalReason } from "@chat/core";
import type { ProtocolErrorCode } from "@chat/protocol";
import { LogLimiter } from "./log-limiter.js";
import type { Logger } from "./logger.js";

/** Sampled lines per kind of noisy event per window, then one "suppressed" summary. */
export const SAMPLED_LINES_PER_WINDOW = 5;
export const SAMPLE_WINDOW_MS = 60_000;

/**
 * Joins, leaves and expiries: one line each up to this many per kind in a window, then one
 * summary (`n users joined in the last 10 s`), so forged REGISTERs from many addresses
 * cannot make the log grow with them (revision 3).
 */
export const PRESENCE_LINES_PER_WINDOW = 20;
export const PRESENCE_WINDOW_MS = 10_000;
const PRESENCE = {
  joined: "user joined",
  left: "user left",
  expired: "user timed out",
} as const;
const PRESENCE_SUMMARY = { joined: "joined", left: "left", expired: "timed out" } as const;
type PresenceKind = keyof typeof PRESENCE;

/** Frame errors: what scanners and broken clients send. */
const MALFORMED_CODES: ReadonlySet<ProtocolErrorCode | undefined> = new Set<
  ProtocolErrorCode | undefined
>([
  "TRUNCATED",
  "TRAILING_BYTES",
  "TOO_LARGE",
  "UNEXPECTED_DATA",
  "MISSING_SEPARATOR",
  "EMPTY_LIST_ENTRY",
]);

/** Refusals that say the server is too small, a limit is too tight, or a ban works. */
const OPERATOR_KINDS: ReadonlySet<RefusalReason> = new Set<RefusalReason>([
  "server-full",
  "too-many-from-address",
  "cluster-unavailable",
  "banned",
]);

/**
 * Turns core events and I/O errors into log lines. Joins, leaves and expiries are logged one
 * line each up to a rate, then summarised; everything a remote peer can cause at will is
 * counted and only sampled, so no input makes the log grow without bound.
 */
export class ActivityLog {
  /** Failed sends and socket errors, by error code. */
  readonly errorsByCode = new Map<string, number>();
  internalErrors = 0;
  readonly #logger: Logger;
  readonly #limiter: LogLimiter;
  /** Joins, leaves and expiries: their own window, closed by their own next event too. */
  readonly #presence = new LogLimiter({
    linesPerWindow: PRESENCE_LINES_PER_WINDOW,
    windowMs: PRESENCE_WINDOW_MS,
  });

  constructor(logger: Logger, options: { linesPerWindow?: number; windowMs?: number } = {}) {
    this.#logger = logger;
    this.#limiter = new LogLimiter({
      linesPerWindow: options.linesPerWindow ?? SAMPLED_LINES_PER_WINDOW,
      windowMs: options.windowMs ?? SAMPLE_WINDOW_MS,
    });
  }

  events(events: readonly CoreEvent[], now: number): void {
    for (const event of events) this.event(event, now);
  }

  event(event: CoreEvent, now: number): void {
    const { address, port } = event.endpoint;
    switch (event.type) {
      case "joined":
      case "left":
      case "expired":
        this.#presenceLine(event.type, { name: event.name, address, port }, now);
        return;
      case "removed":
        // By the operator (kick, a ban): as rare as the operator's commands.
        this.#logger.info(
          { name: event.name, address, port, reason: event.reason },
          "user removed",
        );
        return;
      case "refused": {
        const fields = { address, port, reason: event.reason };
        if (event.code === "UNKNOWN_OPCODE") {
          if (this.#limiter.allow("unknown-opcode", now)) {
            this.#logger.warn(fields, "unknown opcode");
          }
        } else if (MALFORMED_CODES.has(event.code)) {
          if (this.#limiter.allow("malformed", now)) this.#logger.warn(fields, "malformed packet");
        } else if (OPERATOR_KINDS.has(event.kind)) {
          // Capacity and moderation: what an operator acts on, so at info (sampled per kind).
          if (this.#limiter.allow(`refused:${event.kind}`, now)) {
            this.#logger.info({ ...fields, kind: event.kind }, "request refused");
          }
        } else if (this.#logger.isLevelEnabled("debug") && this.#limiter.allow("refused", now)) {
          // Refusals (name taken, user not found, ...) are ordinary protocol traffic.
          this.#logger.debug(fields, "request refused");
        }
        return;
      }
      case "dropped":
        if (this.#limiter.allow(`dropped:${event.reason}`, now)) {
          this.#logger.warn({ address, port, reason: event.reason }, "packet dropped");
        }
        return;
    }
  }

  #presenceLine(kind: PresenceKind, fields: object, now: number): void {
    this.#closePresence(now);
    if (this.#presence.allow(kind, now)) this.#logger.info(fields, PRESENCE[kind]);
  }

  /**
   * One line per kind that passed its lines in a window that has run its length (or in the
   * open one, on `flush`; without a time it is reported as one window long).
   */
  #closePresence(now: number | undefined, flush = false): void {
    const start = this.#presence.windowStart;
    if (start === undefined) return;
    const end = now ?? start + PRESENCE_WINDOW_MS;
    const counts = flush ? this.#presence.flush() : this.#presence.closeWindow(end);
    const seconds = Math.max(1, Math.round((end - start) / 1000));
    for (const { kind, suppressed } of counts) {
      const count = PRESENCE_LINES_PER_WINDOW + suppressed;
      const text = `${count} users ${PRESENCE_SUMMARY[kind as PresenceKind]} in the last ${seconds} s`;
      this.#logger.info({ kind, count, unlogged: suppressed }, text);
    }
  }

  sendError(error: Error, now: number): void {
    const code = this.#count(error);
    if (this.#limiter.allow(`send:${code}`, now)) {
      this.#logger.warn({ code, error: error.message }, "send failed");
    }
  }

  socketError(error: Error, now: number): void {
    const code = this.#count(error);
    if (this.#limiter.allow(`socket:${code}`, now)) {
      this.#logger.error({ code, error: error.message }, "socket error");
    }
  }

  /** A bug in core or here: logged (sampled) with its stack, never fatal to the others. */
  internalError(error: unknown, now: number): void {
    this.internalErrors++;
    if (this.#limiter.allow("internal", now)) {
      this.#logger.error({ err: error }, "internal error while handling a datagram");
    }
  }

  queueOverflow(sends: number, now: number): void {
    this.errorsByCode.set("QUEUE_FULL", (this.errorsByCode.get("QUEUE_FULL") ?? 0) + sends);
    if (this.#limiter.allow("queue-full", now)) {
      this.#logger.warn({ sends }, "send queue full: datagram dropped");
    }
  }

  /** Logs the summaries of a window that has run its length. */
  closeWindow(now: number): void {
    this.#summarize(this.#limiter.closeWindow(now));
    this.#closePresence(now);
  }

  /** Logs every pending summary (shutdown). */
  flush(now?: number): void {
    this.#summarize(this.#limiter.flush());
    this.#closePresence(now, true);
  }

  #summarize(counts: ReadonlyArray<{ kind: string; suppressed: number }>): void {
    for (const { kind, suppressed } of counts) {
      this.#logger.warn({ kind, suppressed }, `suppressed ${suppressed} similar log lines`);
    }
  }

  #count(error: Error): string {
    const raw = (error as { code?: unknown }).code;
    const code = typeof raw === "string" ? raw : "UNKNOWN";
    this.errorsByCode.set(code, (this.errorsByCode.get(code) ?? 0) + 1);
    return code;
  }
}

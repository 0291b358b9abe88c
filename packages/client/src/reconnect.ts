import { ErrorText } from "@chat/protocol";
import type { ChatError } from "./errors.js";
import type { KeepAlive } from "./keep-alive.js";
import { sleep } from "./retry.js";
import type { ConnectionEvent } from "./types.js";

/** What the reconnector needs from the client it looks after. */
export interface ReconnectHost {
  /** The name we hold, or undefined once logged out or closed (which ends any attempt). */
  readonly heldName: string | undefined;
  /** One REGISTER, tried `tries` times (default: with every retry); rejects with ChatError. */
  registerOnce(name: string, tries?: number): Promise<void>;
  /** Sends one LIST_REQUEST: a server that forgot us answers it `not registered`. */
  askList(): void;
  /** Drops the name: the server refused it back. */
  forgetName(): void;
  connection(event: ConnectionEvent): void;
  /** The server forgot us although no keep-alive had gone unanswered. */
  keepAliveTooLong(forgottenAfterMs: number): void;
}

export interface ReconnectSettings {
  autoReregister: boolean;
  /** First wait between rounds; doubles up to `reregisterMaxDelayMs`. */
  timeoutMs: number;
  reregisterMaxDelayMs: number;
}

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;

/** Refusals that pass (a full server, the per-IP REGISTER cap): keep the name, try again. */
const PASSING: ReadonlySet<string> = new Set([
  ErrorText.SERVER_FULL,
  ErrorText.TOO_MANY_FROM_ADDRESS,
]);

/**
 * Keeps the held name registered. The keep-alive is a REGISTER of that name, which is OK
 * while the server holds it and a fresh registration if the server forgot it (expired
 * during an outage, or restarted). The two OKs look alike, so after keep-alives went
 * unanswered a LIST goes out just before the REGISTER: `not registered` to it means the
 * server had forgotten us. Signs of a lost server become connection events and, unless
 * told not to, rounds of REGISTER until one works or the name is refused.
 */
export class Reconnector {
  /** Rounds of re-registration are running. */
  #active = false;
  /** A keep-alive REGISTER is on its way. */
  #refreshing = false;
  /** Keep-alives left unanswered just before the latest one. */
  #missed = 0;
  /** When the server last answered OK to our name. */
  #confirmedAt = 0;
  #warned = false;
  readonly #host: ReconnectHost;
  readonly #keepAlive: KeepAlive;
  readonly #settings: ReconnectSettings;
  readonly #signal: AbortSignal;

  constructor(
    host: ReconnectHost,
    keepAlive: KeepAlive,
    settings: ReconnectSettings,
    signal: AbortSignal,
  ) {
    this.#host = host;
    this.#keepAlive = keepAlive;
    this.#settings = settings;
    this.#signal = signal;
  }

  /** The server has just registered our name. */
  registered(): void {
    this.#confirmedAt = performance.now();
    this.#missed = 0;
  }

  /** The keep-alive: `missed` periods before this one went unanswered. */
  refresh(missed: number): void {
    const name = this.#host.heldName;
    if (this.#active || this.#refreshing || name === undefined) return;
    this.#missed = missed;
    if (missed > 0) this.#host.askList();
    this.#refreshing = true;
    this.#host
      .registerOnce(name, 1)
      .then(
        () => {
          this.#confirmedAt = performance.now();
        },
        (error: ChatError) => {
          // A timeout is only a missed keep-alive; the KeepAlive counts those.
          if (error.code !== "REFUSED" || this.#host.heldName !== name) return;
          const text = error.message;
          if (!PASSING.has(text)) this.#refused(text);
          else this.lost(text, `the server took us back (it had answered "${text}")`);
        },
      )
      .finally(() => {
        this.#refreshing = false;
      });
  }

  /** The server is gone (silent for too long, shutting down) or will not have us yet. */
  lost(reason: string, why = `the server answers again after ${reason}`): void {
    if (this.#active || this.#host.heldName === undefined) return;
    this.#keepAlive.stop();
    this.#host.connection({ state: "lost", reason });
    if (reason === ErrorText.SHUTTING_DOWN) why = "the server restarted";
    // Wait before the first try: a server that is shutting down may still answer.
    if (this.#settings.autoReregister) void this.#reregister(reason, why, true);
  }

  /** The server answered `not registered` though we hold a name: it forgot us. */
  forgotten(): void {
    if (this.#active || this.#host.heldName === undefined) return;
    const missed = this.#missed;
    // Forgotten between keep-alives it answered: its user timeout is shorter than ours
    // (or it restarted in between, which one occurrence cannot tell apart). Not while a
    // keep-alive is still unanswered: that one may have been lost, and the timeout with it.
    if (missed === 0 && !this.#refreshing && this.#keepAlive.running && !this.#warned) {
      this.#warned = true;
      this.#host.keepAliveTooLong(performance.now() - this.#confirmedAt);
    }
    const reason =
      missed > 0
        ? `the server had forgotten us after ${plural(missed, "unanswered keep-alive")}`
        : `the server had forgotten us (it answered "${ErrorText.NOT_REGISTERED}")`;
    if (this.#settings.autoReregister) {
      void this.#reregister(reason, reason, false);
      return;
    }
    this.#keepAlive.stop();
    this.#host.forgetName();
    this.#host.connection({ state: "lost", reason: ErrorText.NOT_REGISTERED });
  }

  /** Registers the held name again until it works, is refused, or the name is dropped. */
  async #reregister(reason: string, why: string, waitFirst: boolean): Promise<void> {
    this.#active = true;
    this.#keepAlive.stop();
    let delay = this.#settings.timeoutMs;
    try {
      if (waitFirst && !(await sleep(delay, this.#signal))) return;
      for (let attempt = 1; ; attempt++) {
        const name = this.#host.heldName;
        if (name === undefined || this.#signal.aborted) return;
        const now = attempt === 1 ? reason : `attempt ${attempt}`;
        this.#host.connection({ state: "reregistering", reason: now });
        const failure = await this.#host.registerOnce(name).then(
          () => undefined,
          (error: ChatError) => error,
        );
        if (this.#host.heldName === undefined || this.#signal.aborted) return;
        if (failure === undefined) {
          this.registered();
          this.#host.connection({ state: "reregistered", reason: why });
          this.#keepAlive.start();
          return;
        }
        if (failure.code !== "TIMEOUT" && !PASSING.has(failure.message)) {
          this.#refused(failure.message);
          return;
        }
        delay = Math.min(delay * 2, this.#settings.reregisterMaxDelayMs);
        if (!(await sleep(delay, this.#signal))) return;
      }
    } finally {
      this.#active = false;
    }
  }

  /** The server will not give our name back (taken meanwhile, full): drop it, say so. */
  #refused(text: string): void {
    this.#keepAlive.stop();
    this.#host.forgetName();
    this.#host.connection({ state: "refused", reason: text });
  }
}

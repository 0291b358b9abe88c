import { ErrorText } from "@chat/protocol";
import type { ChatError } from "./errors.js";
import type { KeepAlive } from "./keep-alive.js";
import { sleep } from "./retry.js";
import type { ConnectionEvent } from "./types.js";

/** What the reconnector needs from the client it looks after. */
export interface ReconnectHost {
  /** The name we hold, or undefined once logged out or closed (which ends any attempt). */
  readonly heldName: string | undefined;
  /** One REGISTER with its retries; rejects with ChatError. */
  registerOnce(name: string): Promise<void>;
  /** Drops the name: the server refused it back. */
  forgetName(): void;
  connection(event: ConnectionEvent): void;
  error(text: string): void;
}

export interface ReconnectSettings {
  autoReregister: boolean;
  /** First wait between rounds; doubles up to `reregisterMaxDelayMs`. */
  timeoutMs: number;
  reregisterMaxDelayMs: number;
}

/**
 * Turns the signs of a lost or restarted server into connection events and, unless told
 * not to, registers the same name again: REGISTER is idempotent for the endpoint that
 * holds the name, so trying costs nothing if the server never forgot us.
 */
export class Reconnector {
  #active = false;
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

  /** The server is gone: silent for too long, or shutting down. */
  lost(reason: string): void {
    if (this.#active || this.#host.heldName === undefined) return;
    this.#keepAlive.stop();
    this.#host.connection({ state: "lost", reason });
    // Wait before the first try: a server that is shutting down may still answer.
    if (this.#settings.autoReregister) void this.#reregister(reason, true);
  }

  /** The server answered `not registered` though we hold a name: it restarted. */
  forgotten(): void {
    if (this.#active || this.#host.heldName === undefined) return;
    if (this.#settings.autoReregister) {
      void this.#reregister(`server answered "${ErrorText.NOT_REGISTERED}"`, false);
      return;
    }
    this.#keepAlive.stop();
    this.#host.forgetName();
    this.#host.connection({ state: "lost", reason: ErrorText.NOT_REGISTERED });
  }

  /** Registers the held name again until it works, is refused, or the name is dropped. */
  async #reregister(reason: string, waitFirst: boolean): Promise<void> {
    this.#active = true;
    this.#keepAlive.stop();
    let delay = this.#settings.timeoutMs;
    try {
      if (waitFirst && !(await sleep(delay, this.#signal))) return;
      for (let attempt = 1; ; attempt++) {
        const name = this.#host.heldName;
        if (name === undefined || this.#signal.aborted) return;
        const why = attempt === 1 ? reason : `attempt ${attempt}`;
        this.#host.connection({ state: "reregistering", reason: why });
        const failure = await this.#host.registerOnce(name).then(
          () => undefined,
          (error: ChatError) => error,
        );
        if (this.#host.heldName === undefined || this.#signal.aborted) return;
        if (failure === undefined) {
          this.#host.connection({ state: "reregistered" });
          this.#keepAlive.start();
          return;
        }
        if (failure.code !== "TIMEOUT") {
          // Someone else took the name meanwhile, or the server is full: stop trying.
          this.#host.forgetName();
          this.#host.error(failure.message);
          this.#host.connection({ state: "lost", reason: failure.message });
          return;
        }
        delay = Math.min(delay * 2, this.#settings.reregisterMaxDelayMs);
        if (!(await sleep(delay, this.#signal))) return;
      }
    } finally {
      this.#active = false;
    }
  }
}

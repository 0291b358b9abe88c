/**
 * Bounds log volume for events an attacker can cause at will (malformed datagrams, rate-limit
 * drops, send errors): each kind may log `linesPerWindow` lines per window; the rest are only
 * counted and reported as one "suppressed" summary per kind when the window closes.
 * Pure: the caller passes the time, so tests need no clock.
 */
export interface SuppressedCount {
  readonly kind: string;
  readonly suppressed: number;
}

/** Kinds beyond this many share one bucket, so even unbounded error codes stay bounded. */
const MAX_KINDS = 64;
const OTHER_KIND = "other";

interface Window {
  logged: number;
  suppressed: number;
}

export class LogLimiter {
  readonly #linesPerWindow: number;
  readonly #windowMs: number;
  readonly #windows = new Map<string, Window>();
  #windowStart: number | undefined;

  constructor(options: { linesPerWindow: number; windowMs: number }) {
    this.#linesPerWindow = options.linesPerWindow;
    this.#windowMs = options.windowMs;
  }

  /** When the open window began (its first event), or undefined when none is open. */
  get windowStart(): number | undefined {
    return this.#windowStart;
  }

  /** True if a line for this kind may be logged now; otherwise the event is counted. */
  allow(kind: string, now: number): boolean {
    this.#windowStart ??= now;
    const window = this.#window(kind);
    if (window.logged < this.#linesPerWindow) {
      window.logged++;
      return true;
    }
    window.suppressed++;
    return false;
  }

  /**
   * Closes the window if it has run its length and returns what it suppressed, one entry per
   * kind; call it from a timer. Returns nothing while the window is still open.
   */
  closeWindow(now: number): SuppressedCount[] {
    if (this.#windowStart === undefined || now - this.#windowStart < this.#windowMs) return [];
    return this.flush();
  }

  /** Closes the window now (for shutdown) and returns what it suppressed. */
  flush(): SuppressedCount[] {
    const counts: SuppressedCount[] = [];
    for (const [kind, window] of this.#windows) {
      if (window.suppressed > 0) counts.push({ kind, suppressed: window.suppressed });
    }
    this.#windows.clear();
    this.#windowStart = undefined;
    return counts;
  }

  #window(kind: string): Window {
    let window = this.#windows.get(kind);
    if (window === undefined) {
      const key = this.#windows.size < MAX_KINDS - 1 ? kind : OTHER_KIND;
      window = this.#windows.get(key);
      if (window === undefined) {
        window = { logged: 0, suppressed: 0 };
        this.#windows.set(key, window);
      }
    }
    return window;
  }
}

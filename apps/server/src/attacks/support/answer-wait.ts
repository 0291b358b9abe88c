/**
 * Lets a windowed send loop wait for the next answer: `next(ms)` resolves true when
 * `answered()` is called, false after `ms` (a reply lost on the way back must not stop
 * the run).
 */
export class AnswerWait {
  #wake: (() => void) | undefined;

  /** Call for every answer the server sends back. */
  answered(): void {
    this.#wake?.();
  }

  next(ms: number): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        this.#wake = undefined;
        resolve(false);
      }, ms);
      this.#wake = () => {
        this.#wake = undefined;
        clearTimeout(timer);
        resolve(true);
      };
    });
  }
}

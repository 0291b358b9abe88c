import { sanitizeMessage } from "@chat/client/cli";

/** What a crash handler needs from the process, so it can be tested without crashing one. */
export interface CrashHooks {
  /** Hands the terminal back: leaves the alternate screen, shows the cursor, cooked mode. */
  restore: () => void;
  write: (text: string) => void;
  exit: (code: number) => void;
  /** The terminal went away under us (EIO/EPIPE on it): leave quietly instead. */
  terminalGone: () => void;
}

/** Exit status for an internal error (BSD sysexits EX_SOFTWARE). */
export const CRASH_EXIT_CODE = 70;

/**
 * The handler for uncaught exceptions and unhandled rejections: it restores the terminal
 * first, so the error is printed on a usable screen and not lost in the alternate one.
 */
export function crashHandler(hooks: CrashHooks): (error: unknown) => void {
  let crashed = false;
  return (error: unknown) => {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    if (code === "EIO" || code === "EPIPE") {
      hooks.terminalGone();
      return;
    }
    if (crashed) return;
    crashed = true;
    try {
      hooks.restore();
    } catch {
      // Restoring is best effort; the error below matters more.
    }
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    // An error may quote what a server sent: escaped like everything else we print.
    hooks.write(`chat: crashed: ${sanitizeMessage(detail).join("\n")}\n`);
    hooks.exit(CRASH_EXIT_CODE);
  };
}

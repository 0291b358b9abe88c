import { type DestinationStream, type Logger, pino } from "pino";
import pretty from "pino-pretty";
import type { LogLevel } from "./options.js";

export type { Logger };

export interface LoggerOptions {
  readonly level: LogLevel;
  /** undefined: pretty when stdout is a terminal. */
  readonly pretty: boolean | undefined;
  /** Where lines go; stdout when absent (tests pass a stream). */
  readonly destination?: DestinationStream;
}

/**
 * JSON lines by default (for log shippers and the test harness), pino-pretty for a person at
 * a terminal. Both write synchronously on this thread: log volume is bounded by design, and a
 * fatal line must reach stdout before process.exit().
 */
export function createLogger(options: LoggerOptions): Logger {
  const usePretty = options.pretty ?? process.stdout.isTTY === true;
  const destination =
    options.destination ??
    (usePretty
      ? pretty({
          sync: true,
          colorize: process.stdout.isTTY === true,
          translateTime: "SYS:HH:MM:ss.l",
          ignore: "pid,hostname",
          singleLine: true,
        })
      : pino.destination({ dest: 1, sync: true }));
  return pino({ level: options.level, base: { pid: process.pid } }, destination);
}

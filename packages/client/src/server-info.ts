import type { InfoResult } from "./types.js";

const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * Reads an INFO_RESPONSE text, `<UTC date, ISO 8601> <server name>/<version>` in this
 * project, keeping the raw text for servers that write something else.
 */
export function parseInfo(text: string, rttMs: number): InfoResult {
  const space = text.indexOf(" ");
  const head = space < 0 ? text : text.slice(0, space);
  const result: InfoResult = { text, rttMs };
  if (ISO_DATE.test(head)) {
    const date = new Date(head);
    if (!Number.isNaN(date.getTime())) {
      result.date = date;
      const rest = space < 0 ? "" : text.slice(space + 1).trim();
      if (rest) result.serverVersion = rest;
    }
  }
  return result;
}

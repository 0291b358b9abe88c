/**
 * The text every load message carries: `seq:<n>:t:<ns>`, the sender's sequence number and
 * its send time in nanoseconds of process.hrtime (as a number: exact to well under a
 * microsecond for the first 104 days of uptime, then to a few nanoseconds).
 */

export function formatStamp(seq: number, sentAtNs: number): string {
  return `seq:${seq}:t:${sentAtNs}`;
}

export interface Stamp {
  seq: number;
  sentAt: number;
}

const parsed: Stamp = { seq: 0, sentAt: 0 };

/**
 * Reads a stamp digit by digit (no substrings: this runs for every delivery) into one
 * reused object, valid until the next call; undefined for any other text.
 */
export function parseStamp(message: string): Stamp | undefined {
  if (!message.startsWith("seq:")) return undefined;
  let i = 4;
  let seq = 0;
  let c = message.charCodeAt(i);
  if (!isDigit(c)) return undefined;
  for (; isDigit(c); c = message.charCodeAt(++i)) seq = seq * 10 + (c - 48);
  if (!message.startsWith(":t:", i)) return undefined;
  i += 3;
  let sentAt = 0;
  c = message.charCodeAt(i);
  if (!isDigit(c)) return undefined;
  for (; isDigit(c); c = message.charCodeAt(++i)) sentAt = sentAt * 10 + (c - 48);
  if (i !== message.length) return undefined;
  parsed.seq = seq;
  parsed.sentAt = sentAt;
  return parsed;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

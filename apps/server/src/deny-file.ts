import { type DenyEntry, DenyEntryError, parseDenyEntry } from "@chat/core";

/** A deny file that cannot be used: which line and why. The list in force stays. */
export class DenyFileError extends Error {
  override readonly name = "DenyFileError";
}

/**
 * The deny file (--deny-file): one entry a line (an address, a CIDR network or
 * `name:<name>`), `#` starts a comment, blank lines are skipped. Pure: the caller reads it.
 */
export function parseDenyFile(text: string, path: string): DenyEntry[] {
  const entries: DenyEntry[] = [];
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const hash = raw.indexOf("#");
    const line = (hash >= 0 ? raw.slice(0, hash) : raw).trim();
    if (line === "") continue;
    try {
      entries.push(parseDenyEntry(line));
    } catch (error) {
      if (!(error instanceof DenyEntryError)) throw error;
      throw new DenyFileError(`${path} line ${index + 1}: ${error.message}`);
    }
  }
  return entries;
}

/** Parses a generated "cp:mapped;…" table (hex code points; a mapping may be several). */
export function parseCodePointMap(table: string): Map<number, string> {
  const map = new Map<number, string>();
  for (const entry of table.split(";")) {
    const colon = entry.indexOf(":");
    const mapped = entry
      .slice(colon + 1)
      .split(" ")
      .map((point) => Number.parseInt(point, 16));
    map.set(Number.parseInt(entry.slice(0, colon), 16), String.fromCodePoint(...mapped));
  }
  return map;
}

/** Parses a generated "first-last;…" table of inclusive hex ranges into a membership test. */
export function parseRanges(table: string): (codePoint: number) => boolean {
  const ranges = table.split(";").map((range) => {
    const [first, last] = range.split("-") as [string, string];
    return [Number.parseInt(first, 16), Number.parseInt(last, 16)] as const;
  });
  return (codePoint) => ranges.some(([first, last]) => codePoint >= first && codePoint <= last);
}

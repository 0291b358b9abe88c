import { CONFUSABLES } from "./confusables.generated.js";
import { parseCodePointMap } from "./tables.js";

/*
 * The UTS #39 skeleton: NFD, each character replaced by its prototype from Unicode's
 * confusables.txt, NFD again. Two names with one skeleton look alike ("аlice" in Cyrillic
 * and "alice"). Callers pass an NFKC_Casefold form, which holds no default ignorables, so
 * the step that removes them is already done.
 */

let prototypes: Map<number, string> | undefined;
let asciiPrototypes: ReadonlyArray<string | undefined> | undefined;

function table(): Map<number, string> {
  prototypes ??= parseCodePointMap(CONFUSABLES);
  return prototypes;
}

/*
 * The prototypes of the 128 ASCII characters, read from the head of the same table (it
 * is sorted by code point), so the first ASCII name does not wait for the whole table
 * (thousands of entries) to be parsed.
 */
function asciiTable(): ReadonlyArray<string | undefined> {
  if (asciiPrototypes === undefined) {
    const ascii = new Array<string | undefined>(0x80).fill(undefined);
    for (const entry of asciiEntries()) {
      const colon = entry.indexOf(":");
      const mapped = entry.slice(colon + 1).split(" ");
      ascii[Number.parseInt(entry.slice(0, colon), 16)] = String.fromCodePoint(
        ...mapped.map((point) => Number.parseInt(point, 16)),
      );
    }
    asciiPrototypes = ascii;
  }
  return asciiPrototypes;
}

/** The "cp:mapped" entries of the table's head whose code point is ASCII. */
function* asciiEntries(): Generator<string> {
  let start = 0;
  while (start < CONFUSABLES.length) {
    const end = CONFUSABLES.indexOf(";", start);
    const entry = CONFUSABLES.slice(start, end < 0 ? undefined : end);
    if (Number.parseInt(entry, 16) >= 0x80) return;
    yield entry;
    if (end < 0) return;
    start = end + 1;
  }
}

/** The skeleton of `text`; `text` itself (the same string) when nothing maps. */
export function skeleton(text: string): string {
  if (isAscii(text)) {
    const ascii = asciiTable();
    // NFD is the identity on ASCII, and so is NFD of an ASCII prototype.
    let out: string | undefined;
    for (let i = 0; i < text.length; i++) {
      const prototype = ascii[text.charCodeAt(i)];
      if (prototype !== undefined) out = (out ?? text.slice(0, i)) + prototype;
      else if (out !== undefined) out += text[i];
    }
    return out === undefined || !isAscii(out) ? (out?.normalize("NFD") ?? text) : out;
  }
  const map = table();
  let out = "";
  for (const char of text.normalize("NFD")) {
    out += map.get(char.codePointAt(0) as number) ?? char;
  }
  const result = out.normalize("NFD");
  return result === text ? text : result;
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

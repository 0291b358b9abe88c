import { CONFUSABLES } from "./confusables.generated.js";
import { parseCodePointMap } from "./tables.js";

/*
 * The UTS #39 skeleton: NFD, each character replaced by its prototype from Unicode's
 * confusables.txt, NFD again. Two names with one skeleton look alike ("аlice" in Cyrillic
 * and "alice"). Callers pass a valid name's NFKC form, which holds no default ignorables
 * (they make a name invalid), so the step that removes them is already done.
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

let asciiKeys: ReadonlyArray<string | null> | undefined;

/**
 * The look-alike key of an ASCII name, NFKC_Casefold(skeleton(name)), given its fold (lower
 * case): each character's prototype in lower case, or `undefined` when some character's
 * prototype is not ASCII ("%" looks like "º/₀"), for the general path. On ASCII the
 * skeleton is a concatenation and folding is per character, so no string is built unless
 * a character maps; most keys are then `folded` itself, which costs no memory.
 */
export function asciiLookAlikeKey(name: string, folded: string): string | undefined {
  if (asciiKeys === undefined) {
    const prototypes = asciiTable();
    asciiKeys = Array.from({ length: 0x80 }, (_, code) => {
      const prototype = prototypes[code] ?? String.fromCharCode(code);
      return isAscii(prototype) ? prototype.toLowerCase() : null;
    });
  }
  let out: string | undefined;
  for (let i = 0; i < name.length; i++) {
    const key = asciiKeys[name.charCodeAt(i)];
    if (key === null || key === undefined) return undefined;
    if (out === undefined) {
      if (key === folded[i]) continue;
      out = folded.slice(0, i);
    }
    out += key;
  }
  return out ?? folded;
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
  const mapped = mappedSkeleton(text);
  if (mapped !== undefined) return mapped;
  if (isAscii(text)) return text; // NFD is the identity on ASCII
  const nfd = text.normalize("NFD");
  return nfd === text ? text : nfd;
}

/**
 * The skeleton of `text` when some character of it has a prototype, else `undefined`
 * (the skeleton is then only NFD(text)). A caller that folds the skeleton next can skip the
 * work, since NFKC_Casefold(NFD(text)) is NFKC_Casefold(text).
 */
export function mappedSkeleton(text: string): string | undefined {
  if (isAscii(text)) {
    const ascii = asciiTable();
    let out: string | undefined;
    for (let i = 0; i < text.length; i++) {
      const prototype = ascii[text.charCodeAt(i)];
      if (prototype !== undefined) out = (out ?? text.slice(0, i)) + prototype;
      else if (out !== undefined) out += text[i];
    }
    // NFD is the identity on ASCII, and so is NFD of an ASCII prototype.
    if (out === undefined) return undefined;
    return isAscii(out) ? out : out.normalize("NFD");
  }
  const map = table();
  let out = "";
  let changed = false;
  for (const char of text.normalize("NFD")) {
    const prototype = map.get(char.codePointAt(0) as number);
    if (prototype !== undefined) changed = true;
    out += prototype ?? char;
  }
  return changed ? out.normalize("NFD") : undefined;
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

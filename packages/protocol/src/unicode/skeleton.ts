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
  if (prototypes === undefined) {
    prototypes = parseCodePointMap(CONFUSABLES);
    const ascii: Array<string | undefined> = [];
    for (let unit = 0; unit < 0x80; unit++) ascii.push(prototypes.get(unit));
    asciiPrototypes = ascii;
  }
  return prototypes;
}

/** The skeleton of `text`; `text` itself (the same string) when nothing maps. */
export function skeleton(text: string): string {
  const map = table();
  const ascii = asciiPrototypes as ReadonlyArray<string | undefined>;
  if (isAscii(text)) {
    // NFD is the identity on ASCII, and so is NFD of an ASCII prototype.
    let out: string | undefined;
    for (let i = 0; i < text.length; i++) {
      const prototype = ascii[text.charCodeAt(i)];
      if (prototype !== undefined) out = (out ?? text.slice(0, i)) + prototype;
      else if (out !== undefined) out += text[i];
    }
    return out === undefined || !isAscii(out) ? (out?.normalize("NFD") ?? text) : out;
  }
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

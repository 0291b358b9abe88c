import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CONFUSABLES_UNICODE_VERSION } from "./confusables.generated.js";
import { nfkcCasefold } from "./fold.js";
import { asciiLookAlikeKey, skeleton } from "./skeleton.js";

/** The released file the generator read, kept in the repository (data/README.md says where from). */
const CONFUSABLES_TXT = readFileSync(
  new URL("../../data/unicode-security-17.0.0/confusables.txt", import.meta.url),
  "utf8",
);

/** "source ; target ; MA" lines, read here independently of the generator. */
function released(): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const line of CONFUSABLES_TXT.split("\n")) {
    const fields = line.split("#")[0]?.split(";") ?? [];
    if (fields.length < 3) continue;
    const text = (field: string) =>
      String.fromCodePoint(
        ...field
          .trim()
          .split(/\s+/)
          .map((hex) => Number.parseInt(hex, 16)),
      );
    pairs.push([text(fields[0] as string), text(fields[1] as string)]);
  }
  return pairs;
}

describe(`skeleton (UTS #39, confusables.txt of Unicode ${CONFUSABLES_UNICODE_VERSION})`, () => {
  it("is built from the 17.0.0 release, whose version line the generator recorded", () => {
    expect(/^# Version: (\S+)$/m.exec(CONFUSABLES_TXT)?.[1]).toBe("17.0.0");
    expect(CONFUSABLES_UNICODE_VERSION).toBe("17.0.0");
  });

  it("maps every character of confusables.txt to its prototype (NFD)", () => {
    let checked = 0;
    for (const [source, prototype] of released()) {
      // A character that decomposes is mapped piece by piece, as UTS #39 says.
      if (source.normalize("NFD") !== source) continue;
      expect(skeleton(source)).toBe(prototype.normalize("NFD"));
      checked++;
    }
    expect(checked).toBeGreaterThan(5000);
  });

  it("gives Cyrillic and Greek look-alikes the skeleton of the Latin name", () => {
    expect(skeleton("\u0430lice")).toBe(skeleton("alice"));
    expect(skeleton("b\u03bfb")).toBe(skeleton("bob"));
    expect(skeleton("\u0440\u0430\u0443\u0440\u0430l")).toBe(skeleton("paypal"));
  });

  it("keeps different names apart", () => {
    expect(skeleton("bobby")).not.toBe(skeleton("bob"));
    expect(skeleton("alice")).not.toBe(skeleton("alicia"));
  });

  it("returns the same string when nothing maps, so storing it costs nothing more", () => {
    const name = "bob";
    expect(skeleton(name)).toBe(name);
  });

  it("maps ASCII look-alikes the way the table says (m and rn, I and l)", () => {
    expect(skeleton("modern")).toBe(skeleton("rnodern"));
    expect(skeleton("Ian")).toBe(skeleton("lan"));
  });

  it("gives an ASCII name the key the general path gives: NFKC_Casefold of its skeleton", () => {
    const printable = fc.string({
      unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
      minLength: 1,
      maxLength: 32,
    });
    fc.assert(
      fc.property(printable, (name) => {
        const key = asciiLookAlikeKey(name, name.toLowerCase());
        // undefined: some prototype is not ASCII, and the general path takes the name.
        if (key !== undefined) expect(key).toBe(nfkcCasefold(skeleton(name)));
      }),
      { numRuns: 2000 },
    );
    for (let code = 0x21; code < 0x7f; code++) {
      const char = String.fromCharCode(code);
      const key = asciiLookAlikeKey(char, char.toLowerCase());
      if (key !== undefined) expect(key).toBe(nfkcCasefold(skeleton(char)));
    }
  });

  it("returns the fold itself when no character maps, so most keys cost no memory", () => {
    const folded = "bob";
    expect(asciiLookAlikeKey("BOB", folded)).toBe(folded);
  });
});

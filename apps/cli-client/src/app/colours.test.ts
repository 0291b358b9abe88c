import { describe, expect, it } from "vitest";
import { NAME_PALETTE, nameColour } from "./colours.js";

describe("nameColour", () => {
  it("gives a name the same colour in every session and version (FNV-1a of the folded name)", () => {
    // Pinned: FNV-1a("alice") = 0x872213e7, % 12 = 11; a change here recolours every user.
    expect(nameColour("alice")).toBe("light-red");
    expect(nameColour("bob")).toBe("light-yellow");
    expect(nameColour("carol")).toBe("yellow");
  });

  it("gives names that the server treats as one user the same colour", () => {
    expect(nameColour("Alice")).toBe(nameColour("alice"));
  });

  it("spreads names over the palette", () => {
    const names = Array.from({ length: 200 }, (_, i) => `user${i}`);
    const used = new Set(names.map(nameColour));
    expect(used.size).toBe(NAME_PALETTE.length);
  });

  it("never picks the UI's own colours", () => {
    for (const name of ["a", "b", "bob", "карл", "中文"]) {
      expect(["white", "black", "grey", "gray"]).not.toContain(nameColour(name));
    }
  });
});

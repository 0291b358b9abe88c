import { describe, expect, it } from "vitest";
import { InvariantChecker } from "./invariants.js";

describe("InvariantChecker", () => {
  it("passes one holder after another, each broadcast once, in one order", () => {
    const check = new InvariantChecker();
    check.registered("alice", "c1", 100);
    check.released("alice", "c1", 200);
    check.registered("ALICE", "c2", 200);
    for (const client of ["c1", "c2", "c3"]) {
      check.received(client, "a");
      check.received(client, "b");
    }
    check.received("c3", "c");
    expect(check.violations()).toEqual([]);
  });

  it("fails two holders of one name, or of two look-alikes, at once", () => {
    const check = new InvariantChecker();
    check.registered("alice", "c1", 100);
    check.registered("Alice", "c2", 150);
    check.registered("bob", "c3", 100);
    check.released("bob", "c3", 300);
    check.registered("b\u043eb", "c4", 250); // Cyrillic о: a look-alike
    expect(check.violations()).toEqual([
      expect.stringMatching(/^two holders at once: c1 held "alice" .* c2 held "Alice"/),
      expect.stringMatching(/^two holders at once: c3 held "bob" .* c4 held "bоb"/),
    ]);
  });

  it("fails a broadcast received twice", () => {
    const check = new InvariantChecker();
    for (const message of ["a", "b", "a"]) check.received("c1", message);
    expect(check.violations()).toEqual(['c1 received "a" twice']);
  });

  it("fails two clients that saw two broadcasts in different orders", () => {
    const check = new InvariantChecker();
    for (const message of ["a", "b", "c"]) check.received("c1", message);
    for (const message of ["a", "c", "b"]) check.received("c2", message);
    expect(check.violations()).toEqual(['c1 and c2 saw "c" and "b" in different orders']);
  });
});

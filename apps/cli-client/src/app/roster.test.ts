import { describe, expect, it } from "vitest";
import { Roster } from "./roster.js";

describe("Roster", () => {
  it("reports who joined and who left when a new list arrives", () => {
    const roster = new Roster();
    roster.replace(["alice", "bob"]);
    expect(roster.replace(["bob", "carol"])).toEqual({ joined: ["carol"], left: ["alice"] });
    expect(roster.names).toEqual(["bob", "carol"]);
  });

  it("treats names that differ only in case as the same user, as the server does", () => {
    const roster = new Roster();
    roster.replace(["Alice"]);
    expect(roster.has("alice")).toBe(true);
    expect(roster.add("ALICE")).toBe(false);
    expect(roster.replace(["alice"])).toEqual({ joined: [], left: [] });
  });

  it("adds a name once", () => {
    const roster = new Roster();
    expect(roster.add("dave")).toBe(true);
    expect(roster.add("dave")).toBe(false);
    expect(roster.size).toBe(1);
  });

  it("sorts for display without regard to case, and follows changes", () => {
    const roster = new Roster();
    roster.replace(["carol", "Bob", "alice"]);
    expect(roster.sorted()).toEqual(["alice", "Bob", "carol"]);
    roster.add("aaron");
    expect(roster.sorted()[0]).toBe("aaron");
  });

  it("measures the widest name in columns", () => {
    const roster = new Roster();
    roster.replace(["al", "中文中文"]);
    expect(roster.widest()).toBe(8);
  });

  it("handles ten thousand names", () => {
    const roster = new Roster();
    const names = Array.from({ length: 10_000 }, (_, i) => `user${i}`);
    roster.replace(names);
    expect(roster.sorted()).toHaveLength(10_000);
    expect(roster.widest()).toBe("user9999".length);
  });
});

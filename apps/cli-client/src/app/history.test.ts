import { describe, expect, it } from "vitest";
import { History } from "./history.js";

describe("History", () => {
  it("walks back from the newest entry with Up", () => {
    const history = new History();
    history.add("one");
    history.add("two");
    expect(history.previous("")).toBe("two");
    expect(history.previous("")).toBe("one");
    expect(history.previous("")).toBeUndefined();
  });

  it("walks forward with Down and gives back the line being typed", () => {
    const history = new History();
    history.add("one");
    history.add("two");
    expect(history.previous("half-typed")).toBe("two");
    expect(history.previous("two")).toBe("one");
    expect(history.next()).toBe("two");
    expect(history.next()).toBe("half-typed");
    expect(history.next()).toBeUndefined();
  });

  it("keeps at most its limit, dropping the oldest", () => {
    const history = new History(100);
    for (let i = 0; i < 150; i++) history.add(`line ${i}`);
    expect(history.size).toBe(100);
    let oldest: string | undefined;
    for (let entry = history.previous(""); entry !== undefined; entry = history.previous("")) {
      oldest = entry;
    }
    expect(oldest).toBe("line 50");
  });

  it("does not store blank lines or the same line twice in a row", () => {
    const history = new History();
    history.add("same");
    history.add("same");
    history.add("   ");
    expect(history.size).toBe(1);
  });

  it("starts again from the newest entry after a line is sent", () => {
    const history = new History();
    history.add("one");
    history.add("two");
    history.previous("");
    history.previous("");
    history.add("three");
    expect(history.previous("")).toBe("three");
  });
});

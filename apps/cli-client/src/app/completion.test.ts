import { describe, expect, it } from "vitest";
import { type Completed, complete } from "./completion.js";

const NAMES = ["bob", "alice", "Albert", "carol"];

describe("complete", () => {
  it("completes a name at the start of the line as an address, 'name: '", () => {
    const done = complete("ali", 3, NAMES, undefined);
    expect(done?.text).toBe("alice: ");
    expect(done?.cursor).toBe(7);
  });

  it("completes a name elsewhere as the plain name", () => {
    expect(complete("/msg ca", 7, NAMES, undefined)?.text).toBe("/msg carol");
    expect(complete("hi bo", 5, NAMES, undefined)?.text).toBe("hi bob");
  });

  it("matches without regard to case", () => {
    expect(complete("BO", 2, NAMES, undefined)?.text).toBe("bob: ");
  });

  it("cycles through the matches alphabetically on repeated Tab, wrapping around", () => {
    const first = complete("al", 2, NAMES, undefined) as Completed;
    expect(first.text).toBe("Albert: ");
    const second = complete(first.text, first.cursor, NAMES, first.state) as Completed;
    expect(second.text).toBe("alice: ");
    const third = complete(second.text, second.cursor, NAMES, second.state) as Completed;
    expect(third.text).toBe("Albert: ");
  });

  it("cycles in the middle of a line and keeps what follows the cursor", () => {
    const first = complete("hi a and more", 4, NAMES, undefined) as Completed;
    expect(first.text).toBe("hi Albert and more");
    const second = complete(first.text, first.cursor, NAMES, first.state) as Completed;
    expect(second.text).toBe("hi alice and more");
    expect(second.cursor).toBe("hi alice".length);
  });

  it("starts a new completion once the line was edited", () => {
    const first = complete("al", 2, NAMES, undefined) as Completed;
    const edited = "Albert: hi c";
    expect(complete(edited, edited.length, NAMES, first.state)?.text).toBe("Albert: hi carol");
  });

  it("completes a command at the start of the line with a space after it", () => {
    const done = complete("/w", 2, ["/msg", "/who", "/info"], undefined, " ");
    expect(done?.text).toBe("/who ");
  });

  it("returns nothing when no name matches", () => {
    expect(complete("zed", 3, NAMES, undefined)).toBeUndefined();
  });

  it("offers every name on an empty word", () => {
    expect(complete("", 0, NAMES, undefined)?.state.matches).toHaveLength(4);
  });
});

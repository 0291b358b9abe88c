import { describe, expect, it } from "vitest";
import { checkLayout, LAYOUT_KEYS, type Layout } from "./layout.js";
import { addon, skipWithoutAddon } from "./test-support.js";

/** The addon's layout today, written out: the fixture for the checks below. */
const NATIVE: Layout = {
  META_LENGTH: 0,
  META_PORT: 1,
  META_SCOPE: 2,
  META_ADDRESS: 3,
  META_WORDS: 7,
  PLAN_OFFSET: 0,
  PLAN_LENGTH: 1,
  PLAN_PORT: 2,
  PLAN_SCOPE: 3,
  PLAN_ADDRESS: 4,
  PLAN_WORDS: 8,
  RESULT_FAILURES: 0,
  RESULT_BLOCKED_ERRNO: 1,
  RESULT_FAILED: 2,
  FAILED_ROW: 0,
  FAILED_ERRNO: 1,
  FAILED_WORDS: 2,
  SCRATCH_SCOPE: 0,
  SCRATCH_ADDRESS: 1,
  SCRATCH_WORDS: 5,
  MAX_PORT: 65_535,
  MIN_SLOT_BYTES: 65_535,
};

describe.skipIf(skipWithoutAddon)("the layout the built addon exports", () => {
  it("names exactly the fields the wrapper reads, and the wrapper can read it", () => {
    if (!addon.ok) throw new Error("addon required");
    const exported = addon.binding.layout;
    // A field added in C and never read here, or one read here and gone from C, fails.
    expect(Object.keys(exported).sort()).toEqual([...LAYOUT_KEYS].sort());
    expect(checkLayout(exported)).toEqual({ ok: true, layout: exported });
    expect(Object.isFrozen(exported)).toBe(true);
  });

  it("keeps receive slots large enough for the biggest UDP payload", () => {
    if (!addon.ok) throw new Error("addon required");
    // 65,535 bytes of UDP length, less its 8-byte header: every datagram fits a slot whole.
    expect(addon.binding.layout.MIN_SLOT_BYTES).toBeGreaterThanOrEqual(65_535 - 8);
    expect(addon.binding.layout.MAX_PORT).toBe(65_535);
  });
});

describe("checkLayout", () => {
  it("accepts a layout whose rows hold their fields", () => {
    expect(checkLayout(NATIVE)).toEqual({ ok: true, layout: NATIVE });
  });

  it("refuses a layout that lacks a field or gives one a bad value", () => {
    const { PLAN_SCOPE: _, ...noScope } = NATIVE;
    expect(checkLayout(noScope)).toEqual({ ok: false, reason: "no PLAN_SCOPE" });
    expect(checkLayout({ ...NATIVE, META_PORT: -1, FAILED_ROW: 0.5 })).toEqual({
      ok: false,
      reason: "no META_PORT, FAILED_ROW",
    });
    expect(checkLayout(undefined)).toEqual({ ok: false, reason: "no layout" });
  });

  it("refuses a row whose fields overlap or overrun it", () => {
    // The address's four words would run past a 7-word plan row.
    expect(checkLayout({ ...NATIVE, PLAN_WORDS: 7 })).toEqual({
      ok: false,
      reason: "the plan row's fields do not fit its 7 words",
    });
    // The port on the address's first word.
    expect(checkLayout({ ...NATIVE, META_PORT: 3 })).toEqual({
      ok: false,
      reason: "the meta row's fields do not fit its 7 words",
    });
    expect(checkLayout({ ...NATIVE, FAILED_ERRNO: 0 })).toMatchObject({ ok: false });
    expect(checkLayout({ ...NATIVE, SCRATCH_WORDS: 4 })).toMatchObject({ ok: false });
  });
});

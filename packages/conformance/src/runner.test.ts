import { describe, expect, it } from "vitest";
import type { Check } from "./check.js";
import { ALL_CHECKS } from "./checks/index.js";
import { selectChecks, skipReason } from "./runner.js";
import { DEFAULT_SETTINGS } from "./settings.js";

const ids = (checks: readonly Check[]) => checks.map((check) => check.id);

describe("the check list", () => {
  it("gives every check a unique id of the form <section>.<n> under its protocol.md section", () => {
    const sections: Record<string, string> = {
      "1": "Framing",
      "2": "Text",
      "3": "Who is who",
      "4": "Routing",
      "5": "Abuse",
      C: "Cluster",
    };
    expect(new Set(ids(ALL_CHECKS)).size).toBe(ALL_CHECKS.length);
    for (const check of ALL_CHECKS) {
      expect(check.id).toMatch(/^([1-5]|C)\.\d+$/);
      expect(check.section).toBe(sections[check.id.split(".")[0] as string]);
    }
  });

  it("numbers the checks of each section 1, 2, 3 … in order", () => {
    const next = new Map<string, number>();
    for (const check of ALL_CHECKS) {
      const [section, n] = check.id.split(".") as [string, string];
      expect(Number(n), check.id).toBe((next.get(section) ?? 0) + 1);
      next.set(section, Number(n));
    }
  });
});

describe("selectChecks", () => {
  it("runs everything without a pattern", () => {
    expect(selectChecks(ALL_CHECKS, undefined)).toHaveLength(ALL_CHECKS.length);
  });

  it("takes an exact id without its longer siblings", () => {
    expect(ids(selectChecks(ALL_CHECKS, "3.1"))).toEqual(["3.1"]);
  });

  it("takes a whole section by its number, with or without a dot", () => {
    const section = ids(ALL_CHECKS).filter((id) => id.startsWith("5."));
    expect(ids(selectChecks(ALL_CHECKS, "5"))).toEqual(section);
    expect(ids(selectChecks(ALL_CHECKS, "5."))).toEqual(section);
  });

  it("takes words of a section or title, ignoring case, and several comma-separated terms", () => {
    expect(ids(selectChecks(ALL_CHECKS, "who is WHO"))).toContain("3.10");
    expect(ids(selectChecks(ALL_CHECKS, "1.1, 4.8"))).toEqual(["1.1", "4.8"]);
    expect(selectChecks(ALL_CHECKS, "no such words")).toEqual([]);
  });
});

describe("skipReason", () => {
  it("runs a check without needs whatever the settings", () => {
    expect(skipReason(undefined, DEFAULT_SETTINGS)).toBeUndefined();
  });

  it("skips slow checks at the default timers and says how to run them", () => {
    expect(skipReason({ shortUserTimeout: true }, DEFAULT_SETTINGS)).toBe(
      "user-timeout 90s is over 10s (pass --slow to wait for it)",
    );
    const slow = { ...DEFAULT_SETTINGS, slow: true };
    expect(skipReason({ shortUserTimeout: true }, slow)).toBeUndefined();
  });

  it("skips a timer check when the target turned that timer off, even with --slow", () => {
    const off = { ...DEFAULT_SETTINGS, listIntervalS: 0, slow: true };
    expect(skipReason({ shortListInterval: true }, off)).toBe("list-interval is 0 (off)");
  });

  it("skips rate-limit, per-IP and server-full checks when the target's settings rule them out", () => {
    const noLimits = { ...DEFAULT_SETTINGS, rateLimited: false };
    expect(skipReason({ rateLimits: true }, noLimits)).toBe("target runs without rate limits");
    expect(skipReason({ perIpLimits: true }, DEFAULT_SETTINGS)).toMatch(/--per-ip-limits/);
    expect(skipReason({ smallMaxUsers: true }, DEFAULT_SETTINGS)).toMatch(/max-users 10000/);
    const small = { ...DEFAULT_SETTINGS, maxUsers: 20, perIpLimits: true };
    expect(skipReason({ smallMaxUsers: true, perIpLimits: true }, small)).toBeUndefined();
  });

  it("runs the cross-node checks only with a second target", () => {
    expect(skipReason({ twoTargets: true }, DEFAULT_SETTINGS)).toMatch(/second --target/);
    expect(skipReason({ twoTargets: true }, DEFAULT_SETTINGS, 2)).toBeUndefined();
  });
});

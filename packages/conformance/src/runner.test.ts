import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Check } from "./check.js";
import { ALL_CHECKS } from "./checks/index.js";
import { PROTOCOL_SECTIONS } from "./protocol-sections.generated.js";
import { parseSections } from "./protocol-sections.js";
import { selectChecks, skipReason } from "./runner.js";
import { CHECK_GROUPS, groupSection } from "./sections.js";
import { DEFAULT_SETTINGS } from "./settings.js";

const ids = (checks: readonly Check[]) => checks.map((check) => check.id);

describe("the check list", () => {
  it("gives every check a unique id <group>.<n>, named after its group's section", () => {
    expect(new Set(ids(ALL_CHECKS)).size).toBe(ALL_CHECKS.length);
    for (const check of ALL_CHECKS) {
      expect(check.id).toMatch(/^([1-6]|C)\.\d+$/);
      expect(check.section).toBe(groupSection(check.id.split(".")[0] as string).title);
    }
  });

  it("keeps the ids users cite: groups 1 to 5 check docs/protocol.md's sections 1, 3 to 6", () => {
    const numbers = [...CHECK_GROUPS].map(([group, section]) => [group, section.number]);
    expect(numbers).toEqual([
      ["1", "1"],
      ["2", "3"],
      ["3", "4"],
      ["4", "5"],
      ["5", "6"],
      ["6", undefined],
      ["C", undefined],
    ]);
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

  it("runs revision 3's checks unless told the target is an RFC server, `always` only when told", () => {
    expect(skipReason({ addressCheck: true }, DEFAULT_SETTINGS)).toBeUndefined();
    const rfc = { ...DEFAULT_SETTINGS, addressCheck: false };
    expect(skipReason({ addressCheck: true }, rfc)).toMatch(/--no-address-check/);
    const always = { addressCheck: true, addressCheckAlways: true } as const;
    expect(skipReason(always, DEFAULT_SETTINGS)).toMatch(/--address-check-always/);
    expect(skipReason(always, { ...DEFAULT_SETTINGS, addressCheckAlways: true })).toBeUndefined();
  });

  it("runs the cross-node checks only with a second target", () => {
    expect(skipReason({ twoTargets: true }, DEFAULT_SETTINGS)).toMatch(/second --target/);
    expect(skipReason({ twoTargets: true }, DEFAULT_SETTINGS, 2)).toBeUndefined();
  });
});

describe("the README's table of checks", () => {
  const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
  const rows = [
    ...readme.matchAll(/^\| (\d)\.\d+(?:–\d\.\d+)? \| \[(\d+) ([^\]]+)\]\([^)#]*#([^)]+)\) \|/gm),
  ];

  it("links every group of ids to its section of docs/protocol.md, as numbered there", () => {
    expect(rows.map((row) => row[1])).toEqual(["1", "2", "2", "2", "2", "3", "3", "4", "4", "5"]);
    for (const [, group, number, title, anchor] of rows) {
      const section = groupSection(group as string);
      expect(number).toBe(section.number);
      expect(title?.startsWith(section.title)).toBe(true);
      const target = PROTOCOL_SECTIONS.find((s) => s.anchor === anchor);
      expect(target?.anchor === section.anchor || target?.parent === section.anchor).toBe(true);
    }
  });

  it("links the cross-node group to a heading docs/cluster.md has", () => {
    const cluster = readFileSync(new URL("../../../docs/cluster.md", import.meta.url), "utf8");
    const group = groupSection("C");
    expect(readme).toContain(
      `| C.1–C.4 | [docs/cluster.md: Guarantees](../../docs/cluster.md#${group.anchor}) |`,
    );
    expect(parseSections(cluster).map((s) => s.anchor)).toContain(group.anchor);
  });
});

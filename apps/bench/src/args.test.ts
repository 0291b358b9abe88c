import { describe, expect, it } from "vitest";
import { parseArgs } from "./args.js";
import { SCENARIOS } from "./config.js";

describe("parseArgs", () => {
  it("runs every scenario at full size by default", () => {
    const args = parseArgs([]);
    expect(args.quick).toBe(false);
    expect(args.scenarios).toEqual([...SCENARIOS]);
    expect(args.out).toBeUndefined();
    expect(args.transport).toBe("auto");
  });

  it("passes --transport to the daemon and refuses one it does not have", () => {
    expect(parseArgs(["--transport", "dgram"]).transport).toBe("dgram");
    expect(parseArgs(["--transport=native"]).transport).toBe("native");
    expect(() => parseArgs(["--transport", "tcp"])).toThrow(
      "--transport must be one of auto, native, dgram",
    );
  });

  it("reads --quick, --out, --workers and repeated or comma-separated --scenario", () => {
    const args = parseArgs([
      "--",
      "--quick",
      "--out",
      "r.json",
      "--workers=3",
      "--scenario",
      "memory,broadcast",
      "--scenario",
      "private",
    ]);
    expect(args).toMatchObject({ quick: true, out: "r.json", workers: 3 });
    expect(args.scenarios).toEqual(["memory", "broadcast", "private"]);
  });

  it("refuses an unknown scenario, an unknown flag and a missing value, saying why", () => {
    expect(() => parseArgs(["--scenario", "nope"])).toThrow(/unknown scenario "nope"/);
    expect(() => parseArgs(["--fast"])).toThrow("unknown option --fast (see --help)");
    expect(() => parseArgs(["--out"])).toThrow(/--out needs a value/);
    expect(() => parseArgs(["--workers", "0"])).toThrow(/--workers/);
  });
});

import { describe, expect, it } from "vitest";
import { parseCliArgs } from "./args.js";
import { DEFAULT_SETTINGS } from "./settings.js";

function run(argv: string[]) {
  const parsed = parseCliArgs(argv);
  if (parsed.kind !== "run") throw new Error(`expected options, got ${JSON.stringify(parsed)}`);
  return parsed.options;
}

function error(argv: string[]): string {
  const parsed = parseCliArgs(argv);
  if (parsed.kind !== "error") throw new Error(`expected an error, got ${parsed.kind}`);
  return parsed.message;
}

describe("parseCliArgs", () => {
  it("needs only a target, and defaults to the protocol's settings", () => {
    const options = run(["--target", "127.0.0.1:9999"]);
    expect(options.target).toEqual({ host: "127.0.0.1", port: 9999 });
    expect(options.others).toEqual([]);
    expect(options.settings).toEqual(DEFAULT_SETTINGS);
    expect(options.only).toBeUndefined();
    expect(options.json).toBe(false);
  });

  it("ignores the leading -- that `pnpm conformance -- …` passes on", () => {
    expect(run(["--", "--target", "localhost:4000"]).target).toEqual({
      host: "localhost",
      port: 4000,
    });
  });

  it("reads further targets as other nodes of the same cluster", () => {
    const options = run(["--target", "127.0.0.1:9999", "--target", "[::1]:9998"]);
    expect(options.target).toEqual({ host: "127.0.0.1", port: 9999 });
    expect(options.others).toEqual([{ host: "::1", port: 9998 }]);
  });

  it("reads an IPv6 target in brackets", () => {
    expect(run(["--target", "[::1]:9999"]).target).toEqual({ host: "::1", port: 9999 });
  });

  it("reads every setting", () => {
    const options = run([
      "--target=h:1",
      "--user-timeout",
      "2.5",
      "--list-interval",
      "0",
      "--max-message",
      "2048",
      "--max-users",
      "20",
      "--max-users-per-ip",
      "4",
      "--registers-per-minute",
      "30",
      "--no-rate-limit",
      "--per-ip-limits",
      "--address-check-always",
      "--slow",
      "--only",
      "3,liveness",
      "--timeout",
      "250",
      "--silence",
      "100",
      "--json",
    ]);
    expect(options.settings).toEqual({
      userTimeoutS: 2.5,
      listIntervalS: 0,
      maxMessageBytes: 2048,
      maxUsers: 20,
      maxUsersPerIp: 4,
      registersPerMinute: 30,
      rateLimited: false,
      perIpLimits: true,
      addressCheck: true,
      addressCheckAlways: true,
      slow: true,
      timeoutMs: 250,
      silenceMs: 100,
    });
    expect(options.only).toBe("3,liveness");
    expect(options.json).toBe(true);
  });

  it("skips revision 3's address check for an RFC server, and refuses a contradiction", () => {
    const rfc = run(["--target", "h:1", "--no-address-check"]).settings;
    expect(rfc.addressCheck).toBe(false);
    expect(rfc.addressCheckAlways).toBe(false);
    expect(error(["--target", "h:1", "--no-address-check", "--address-check-always"])).toBe(
      "--no-address-check and --address-check-always contradict each other",
    );
  });

  it("asks for help", () => {
    expect(parseCliArgs(["--help"]).kind).toBe("help");
    expect(parseCliArgs(["-h"]).kind).toBe("help");
  });

  it("refuses a missing or malformed target", () => {
    expect(error([])).toBe("--target HOST:PORT is required");
    expect(error(["--target", "localhost"])).toMatch(/HOST:PORT/);
    expect(error(["--target", "h:70000"])).toMatch(/port must be a number from 1 to 65535/);
    expect(error(["--target", "::1:9999"])).toMatch(/\[IPv6\]:PORT/);
  });

  it("refuses unknown flags, stray words and bad numbers, naming the flag", () => {
    expect(error(["--target", "h:1", "--frobnicate"])).toMatch(/frobnicate/);
    expect(error(["--target", "h:1", "extra"])).toMatch(/extra/);
    expect(error(["--target", "h:1", "--user-timeout", "soon"])).toMatch(/--user-timeout/);
    expect(error(["--target", "h:1", "--timeout", "-5"])).toMatch(/--timeout/);
    expect(error(["--target", "h:1", "--max-message", "1.5"])).toMatch(/whole number/);
    expect(error(["--target", "h:1", "--max-message", "70000"])).toMatch(/at most 65471/);
    expect(error(["--target", "h:1", "--rate-limited", "--no-rate-limit"])).toMatch(/contradict/);
  });

  it("refuses every duration a timer cannot hold, instead of waiting 1 ms", () => {
    expect(error(["--target", "h:1", "--user-timeout", "9999999999"])).toBe(
      "--user-timeout 9999999999: longer than a timer can wait (at most 2147483 seconds)",
    );
    expect(error(["--target", "h:1", "--list-interval", "3000000"])).toMatch(/longer than a timer/);
    expect(error(["--target", "h:1", "--timeout", "2147483648"])).toMatch(/longer than a timer/);
    expect(error(["--target", "h:1", "--silence", "99999999999"])).toMatch(/longer than a timer/);
    expect(error(["--target", "h:1", "--timeout", "0"])).toMatch(/at least 1 ms/);
  });
});

import { readFileSync } from "node:fs";
import { DEFAULTS, MAX_MESSAGE_BYTES_CEILING } from "@chat/protocol";
import { describe, expect, it } from "vitest";
import { CORE_VERSION, resolveSettings } from "./settings.js";

describe("resolveSettings", () => {
  it("fills every setting from the protocol defaults", () => {
    const s = resolveSettings();
    expect(s).toMatchObject({
      serverName: "chat-server",
      maxUsers: DEFAULTS.maxUsers,
      maxUsersPerIp: 16,
      registersPerIpPerMinute: 10,
      userTimeoutMs: 90_000,
      listIntervalMs: 30_000,
      maxMessageBytes: 1024,
      rateLimit: true,
      packetsPerSecond: 50,
      packetBurst: 100,
      broadcastsPerSecond: 5,
      broadcastBurst: 20,
      unregisteredRepliesPerSecond: 10,
      unregisteredReplyBytesPerSecond: 2048,
      exemptNetworks: ["127.0.0.0/8", "::1/128"],
      maxTrackedAddresses: 100_000,
    });
    expect(Object.isFrozen(s)).toBe(true);
  });

  it("keeps given values and treats undefined as 'use the default'", () => {
    const s = resolveSettings({ maxUsers: 5, userTimeoutMs: 0, version: undefined });
    expect(s.maxUsers).toBe(5);
    expect(s.userTimeoutMs).toBe(0);
    expect(s.version).toBe(CORE_VERSION);
  });

  it("reports the package's own version by default", () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
    expect(CORE_VERSION).toBe(pkg.version);
  });

  it.each([
    [{ maxUsers: 0 }, "maxUsers must be a whole number >= 1"],
    [{ maxUsers: 1.5 }, "maxUsers must be a whole number >= 1"],
    [{ userTimeoutMs: -1 }, "userTimeoutMs must be a whole number >= 0"],
    [{ listIntervalMs: Number.NaN }, "listIntervalMs must be a whole number >= 0"],
    [
      { maxMessageBytes: MAX_MESSAGE_BYTES_CEILING + 1 },
      `maxMessageBytes must be a whole number from 1 to ${MAX_MESSAGE_BYTES_CEILING}`,
    ],
    [{ packetsPerSecond: 0 }, "packetsPerSecond must be a number > 0"],
    [{ broadcastBurst: 0 }, "broadcastBurst must be a whole number >= 1"],
    [
      { unregisteredReplyBytesPerSecond: 127 },
      "unregisteredReplyBytesPerSecond must be a whole number >= 128",
    ],
    [{ rateLimit: "no" as unknown as boolean }, "rateLimit must be true or false"],
    [{ exemptNetworks: ["10.0.0.0/33"] }, 'exemptNetworks: "10.0.0.0/33" is not a CIDR network'],
    [
      { serverName: "" },
      'serverName must be 1 to 48 bytes of printable text without spaces or "/"',
    ],
    [{ serverName: "my server" }, /^serverName must be/],
    [{ version: "1.0/2" }, /^version must be/],
    [{ version: "v".repeat(33) }, /^version must be/],
    [{ maxUsrs: 3 } as object, 'unknown setting "maxUsrs"'],
  ])("refuses %j with a one-line RangeError", (partial, message) => {
    expect(() => resolveSettings(partial)).toThrow(RangeError);
    expect(() => resolveSettings(partial)).toThrow(message);
  });

  it("accepts the largest message ceiling and an empty exempt list", () => {
    const s = resolveSettings({ maxMessageBytes: MAX_MESSAGE_BYTES_CEILING, exemptNetworks: [] });
    expect(s.maxMessageBytes).toBe(MAX_MESSAGE_BYTES_CEILING);
    expect(s.exemptNetworks).toEqual([]);
  });
});

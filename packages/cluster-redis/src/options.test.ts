import { describe, expect, it } from "vitest";
import { redisOptions } from "./options.js";

describe("redisOptions", () => {
  it("reads a Sentinel URL: every sentinel, the master's name, the credentials for both", () => {
    const options = redisOptions(
      "redis+sentinel://app:p%40ss@10.0.0.5:26380,[::1]:26381,sentinel-c/chat-eu",
      2000,
    );
    expect(options.sentinels).toEqual([
      { host: "10.0.0.5", port: 26380 },
      { host: "::1", port: 26381 },
      { host: "sentinel-c", port: 26379 },
    ]);
    expect(options).toMatchObject({
      name: "chat-eu",
      username: "app",
      password: "p@ss",
      sentinelUsername: "app",
      sentinelPassword: "p@ss",
      enableOfflineQueue: false,
      autoResendUnfulfilledCommands: false,
    });
    expect(options.tls).toBeUndefined();
    expect(
      options.reconnectOnError?.(
        new Error("READONLY You can't write against a read only replica."),
      ),
    ).toBe(1);
    expect(options.reconnectOnError?.(new Error("ERR other"))).toBe(false);
  });

  it("takes rediss+sentinel:// as TLS to the sentinels and the master, and a password alone", () => {
    const options = redisOptions("rediss+sentinel://:secret@s1:1,s2:2/m", 2000);
    expect(options).toMatchObject({
      tls: {},
      sentinelTLS: {},
      enableTLSForSentinelMode: true,
      password: "secret",
    });
    expect(options.username).toBeUndefined();
  });

  it("refuses a Sentinel URL without a master name or with a bad address", () => {
    expect(() => redisOptions("redis+sentinel://s1:26379", 2000)).toThrow(RangeError);
    expect(() => redisOptions("redis+sentinel://s1:99999/m", 2000)).toThrow(/host:port/);
    expect(() => redisOptions("redis+sentinel://s1:26379,/m", 2000)).toThrow(/host:port/);
  });
});

import { describe, expect, it } from "vitest";
import { redactedError, redactUrls } from "./redact.js";

describe("redactUrls", () => {
  it.each([
    ["redis://:s3cret@10.0.0.5:6379", "redis://:***@10.0.0.5:6379"],
    ["redis://chat:s3cret@redis.lan/2", "redis://chat:***@redis.lan/2"],
    ["rediss://s3cret@redis.lan", "rediss://***@redis.lan"],
    ["redis://u:p@ss/w@rd@host:bad", "redis://u:***@host:bad"],
    ['--cluster: "redis://u:s3cret@h:x" is not', '--cluster: "redis://u:***@h:x" is not'],
    ["redis://10.0.0.5:6379", "redis://10.0.0.5:6379"],
    ["unix:///run/redis.sock", "unix:///run/redis.sock"],
  ])("%s -> %s", (text, shown) => {
    expect(redactUrls(text)).toBe(shown);
  });
});

describe("redactedError", () => {
  it("keeps the message and code without the URL's password or any input property", () => {
    let thrown: unknown;
    try {
      new URL("redis://u:s3cret@host:notaport");
    } catch (error) {
      thrown = error;
    }
    const fields = redactedError(thrown);
    expect(JSON.stringify(fields)).not.toContain("s3cret");
    expect(fields).toMatchObject({ code: "ERR_INVALID_URL", type: "TypeError" });
    expect(fields).not.toHaveProperty("input");
  });
});

import { decode, MAX_UNREGISTERED_REPLY_BYTES } from "@chat/protocol";
import { describe, expect, it } from "vitest";
import { InfoCache, infoText } from "./info.js";
import { MAX_INFO_RESPONSE_BYTES } from "./settings.js";

describe("INFO_RESPONSE", () => {
  it("is the UTC date to the second, then serverName/version", () => {
    const now = Date.UTC(2026, 10, 26, 5, 40, 0, 999);
    expect(infoText(now, "chat-server", "1.0.0")).toBe("2026-11-26T05:40:00Z chat-server/1.0.0");
  });

  it("is re-encoded when the second changes, not before", () => {
    const cache = new InfoCache("s", "1");
    const t = Date.UTC(2030, 0, 1);
    const first = cache.get(t);
    expect(cache.get(t + 999)).toBe(first);
    const next = cache.get(t + 1000);
    expect(decode(next)).toEqual({ opcode: 41, text: "2030-01-01T00:00:01Z s/1" });
  });

  it("always fits the 128 bytes allowed to a nameless endpoint", () => {
    expect(MAX_INFO_RESPONSE_BYTES).toBeLessThanOrEqual(MAX_UNREGISTERED_REPLY_BYTES);
    const cache = new InfoCache("n".repeat(48), "v".repeat(32));
    expect(cache.get(Date.UTC(9999, 11, 31, 23, 59, 59)).length).toBe(MAX_INFO_RESPONSE_BYTES);
  });
});

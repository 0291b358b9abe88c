import { describe, expect, it } from "vitest";
import { formatStamp, parseStamp } from "./stamp.js";

describe("load message stamps", () => {
  it("reads back the sequence number and send time it wrote", () => {
    const now = Number(process.hrtime.bigint());
    expect(parseStamp(formatStamp(0, now))).toEqual({ seq: 0, sentAt: now });
    expect(parseStamp(formatStamp(123_456, 987_654_321_012))).toEqual({
      seq: 123_456,
      sentAt: 987_654_321_012,
    });
  });

  it("refuses any other text, so a stray message counts as malformed, not as a delivery", () => {
    for (const text of [
      "",
      "hello",
      "seq:",
      "seq:1",
      "seq:1:t:",
      "seq:x:t:5",
      "seq:1:t:5 ",
      "seq:-1:t:5",
    ]) {
      expect(parseStamp(text), text).toBeUndefined();
    }
  });
});

import { describe, expect, it } from "vitest";
import { hotSpots } from "./cpu-profile.js";

describe("hotSpots", () => {
  it("ranks functions by their share of non-idle samples", () => {
    const frame = (functionName: string, url = "", lineNumber = 0) => ({
      functionName,
      url,
      lineNumber,
    });
    const profile = {
      nodes: [
        { id: 1, callFrame: frame("(idle)") },
        { id: 2, callFrame: frame("route", "file:///repo/packages/core/dist/chat-server.js", 9) },
        { id: 3, callFrame: frame("(garbage collector)") },
        { id: 4, callFrame: frame("route", "file:///repo/packages/core/dist/chat-server.js", 9) },
      ],
      samples: [1, 1, 2, 2, 4, 3, 1],
    };
    const spots = hotSpots(profile, "/repo/");
    expect(spots[0]).toMatchObject({ where: "packages/core/dist/chat-server.js:route:10" });
    expect(spots[0]?.selfShare).toBeCloseTo(3 / 4);
    expect(spots[1]).toMatchObject({ where: "(garbage collector)", selfShare: 1 / 4 });
  });
});

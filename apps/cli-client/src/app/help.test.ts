import { describe, expect, it } from "vitest";
import { helpLines } from "./help.js";

describe("helpLines", () => {
  it("lists every command and the main keys", () => {
    const text = helpLines().join("\n");
    for (const word of [
      "/msg <user> <text>",
      "/who",
      "/info",
      "/clear",
      "/help",
      "/quit",
      "/query <user>",
      "/window <n>",
      "/close",
      "/nick <name>",
      "/server <host:port>",
      "/log on|off",
      "Alt+1..9",
      "Ctrl-N",
      "Tab",
      "PgUp",
    ]) {
      expect(text).toContain(word);
    }
  });

  it("fits an 80-column log after the time and marker", () => {
    for (const line of helpLines())
      expect(line.length).toBeLessThanOrEqual(80 - "00:00 -!- ".length);
  });
});

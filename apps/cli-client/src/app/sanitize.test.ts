import { describe, expect, it } from "vitest";
import { escapeTags } from "./sanitize.js";

describe("escapeTags", () => {
  it("turns braces into blessed's literal-brace tags", () => {
    expect(escapeTags("{red-fg}hi{/red-fg}")).toBe("{open}red-fg{close}hi{open}/red-fg{close}");
  });

  it("leaves text without braces alone", () => {
    expect(escapeTags("plain <text>")).toBe("plain <text>");
  });
});

import { describe, expect, it } from "vitest";
import { parseCommand } from "./commands.js";

describe("parseCommand", () => {
  it("treats plain text as a broadcast, kept exactly as typed", () => {
    expect(parseCommand("hello  world ")).toEqual({ kind: "broadcast", text: "hello  world " });
  });

  it("ignores an empty or blank line", () => {
    expect(parseCommand("")).toEqual({ kind: "none" });
    expect(parseCommand("   ")).toEqual({ kind: "none" });
  });

  it("sends a line starting with // as a broadcast starting with /", () => {
    expect(parseCommand("//shrug")).toEqual({ kind: "broadcast", text: "/shrug" });
  });

  it("parses /msg with the receiver and the rest of the line as the message", () => {
    expect(parseCommand("/msg bob hi there  ")).toEqual({
      kind: "msg",
      to: "bob",
      text: "hi there  ",
    });
  });

  it("answers /msg without a message or receiver with its usage", () => {
    expect(parseCommand("/msg bob")).toEqual({ kind: "error", text: "usage: /msg <user> <text>" });
    expect(parseCommand("/msg")).toEqual({ kind: "error", text: "usage: /msg <user> <text>" });
    expect(parseCommand("/msg bob    ")).toEqual({
      kind: "error",
      text: "usage: /msg <user> <text>",
    });
  });

  it("parses the commands without arguments, in any case", () => {
    for (const kind of ["who", "info", "clear", "help", "quit"] as const) {
      expect(parseCommand(`/${kind}`)).toEqual({ kind });
    }
    expect(parseCommand("/WHO")).toEqual({ kind: "who" });
    expect(parseCommand("/exit")).toEqual({ kind: "quit" });
  });

  it("refuses arguments to commands that take none", () => {
    expect(parseCommand("/who bob")).toEqual({
      kind: "error",
      text: "usage: /who (takes no arguments)",
    });
  });

  it("names an unknown command in its answer", () => {
    const command = parseCommand("/nick bob");
    expect(command.kind).toBe("error");
    expect(command.kind === "error" && command.text).toContain("unknown command /nick");
  });

  it("answers a lone slash", () => {
    expect(parseCommand("/").kind).toBe("error");
  });
});

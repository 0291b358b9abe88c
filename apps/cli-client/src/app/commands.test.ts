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
    const command = parseCommand("/frob bob");
    expect(command.kind).toBe("error");
    expect(command.kind === "error" && command.text).toContain("unknown command /frob");
  });

  it("parses the window commands", () => {
    expect(parseCommand("/query bob")).toEqual({ kind: "query", user: "bob" });
    expect(parseCommand("/window 3")).toEqual({ kind: "window", number: 3 });
    expect(parseCommand("/close")).toEqual({ kind: "close" });
    expect(parseCommand("/wc")).toEqual({ kind: "close" });
    expect(parseCommand("/log on")).toEqual({ kind: "log", on: true });
    expect(parseCommand("/log off")).toEqual({ kind: "log", on: false });
  });

  it("parses /nick and /server", () => {
    expect(parseCommand("/nick kai")).toEqual({ kind: "nick", name: "kai" });
    expect(parseCommand("/server 10.0.0.2:7000")).toEqual({
      kind: "server",
      address: "10.0.0.2:7000",
    });
  });

  it("answers the window and identity commands used wrongly with their usage", () => {
    const usage = (line: string) => (parseCommand(line) as { text?: string }).text;
    expect(usage("/query")).toBe("usage: /query <user>");
    expect(usage("/query bob carol")).toBe("usage: /query <user>");
    expect(usage("/window two")).toBe("usage: /window <number>|list");
    expect(usage("/wc 2")).toBe("usage: /close (takes no arguments)");
    expect(usage("/log maybe")).toBe("usage: /log on|off");
    expect(usage("/nick")).toBe("usage: /nick <name>");
    expect(usage("/server")).toBe("usage: /server <host:port>");
  });

  it("answers a lone slash", () => {
    expect(parseCommand("/").kind).toBe("error");
  });
});

describe("parseCommand: irssi habits and aliases", () => {
  it("knows /q, /m and /w as /query, /msg and /window", () => {
    expect(parseCommand("/q bob")).toEqual({ kind: "query", user: "bob" });
    expect(parseCommand("/m bob hi there")).toEqual({ kind: "msg", to: "bob", text: "hi there" });
    expect(parseCommand("/w 2")).toEqual({ kind: "window", number: 2 });
    expect(parseCommand("/window list")).toEqual({ kind: "windows" });
    expect(parseCommand("/w list")).toEqual({ kind: "windows" });
  });

  it("/me, /ignore and /unignore", () => {
    expect(parseCommand("/me waves at  everyone")).toEqual({
      kind: "me",
      text: "waves at  everyone",
    });
    expect(parseCommand("/me")).toEqual({ kind: "error", text: "usage: /me <action>" });
    expect(parseCommand("/ignore")).toEqual({ kind: "ignore" });
    expect(parseCommand("/ignore mallory")).toEqual({ kind: "ignore", user: "mallory" });
    expect(parseCommand("/unignore mallory")).toEqual({ kind: "unignore", user: "mallory" });
    expect(parseCommand("/unignore")).toEqual({ kind: "error", text: "usage: /unignore <user>" });
  });

  it("expands a user's alias once; built-in names win", () => {
    const aliases = { j: "query", hi: "msg bob hello", q: "quit", loop: "loop" };
    expect(parseCommand("/j carol", aliases)).toEqual({ kind: "query", user: "carol" });
    expect(parseCommand("/hi and welcome", aliases)).toEqual({
      kind: "msg",
      to: "bob",
      text: "hello and welcome",
    });
    expect(parseCommand("/q bob", aliases)).toEqual({ kind: "query", user: "bob" });
    expect(parseCommand("/loop", aliases)).toMatchObject({ kind: "error" });
  });
});

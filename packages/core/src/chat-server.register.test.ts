import { ErrorText } from "@chat/protocol";
import { describe, expect, it } from "vitest";
import { error, OK, peer, TestServer } from "./test-support/harness.js";

describe("REGISTER", () => {
  it("binds a name to the endpoint and answers OK", () => {
    const t = new TestServer();
    expect(t.register(peer(1), "alice")).toEqual([OK]);
    expect(t.server.users()).toEqual(["alice"]);
    expect(t.server.takeEvents()).toEqual([{ type: "joined", name: "alice", endpoint: peer(1) }]);
  });

  it("answers OK again to a retransmitted REGISTER, also in another case", () => {
    const t = new TestServer();
    t.register(peer(1), "Alice");
    expect(t.register(peer(1), "Alice")).toEqual([OK]);
    expect(t.register(peer(1), "ALICE")).toEqual([OK]);
    expect(t.server.users()).toEqual(["Alice"]);
  });

  it("refuses a second name from the same endpoint", () => {
    const t = new TestServer();
    t.register(peer(1), "alice");
    expect(t.register(peer(1), "bob")).toEqual([error("already registered as alice")]);
  });

  it("refuses a name another endpoint holds, compared case-insensitively and NFKC", () => {
    const t = new TestServer();
    t.register(peer(1), "Alice");
    expect(t.register(peer(2), "aLICE")).toEqual([error(ErrorText.USERNAME_TAKEN)]);
    t.register(peer(3), "ﬁx"); // U+FB01 folds to "fix" under NFKC
    expect(t.register(peer(4), "FIX")).toEqual([error(ErrorText.USERNAME_TAKEN)]);
  });

  it("refuses a name that folds equal under full case folding (ß and SS, ς and σ, ǅ and ǆ)", () => {
    const t = new TestServer();
    t.register(peer(1), "straße");
    expect(t.register(peer(2), "STRASSE")).toEqual([error(ErrorText.USERNAME_TAKEN)]);
    t.register(peer(3), "ς");
    expect(t.register(peer(4), "σ")).toEqual([error(ErrorText.USERNAME_TAKEN)]);
    t.register(peer(5), "ǅ");
    expect(t.register(peer(6), "ǆ")).toEqual([error(ErrorText.USERNAME_TAKEN)]);
  });

  it("refuses a look-alike of a held name, but not a longer name", () => {
    const t = new TestServer();
    t.register(peer(1), "alice");
    t.register(peer(2), "bob");
    expect(t.register(peer(3), "\u0430lice")).toEqual([error(ErrorText.USERNAME_TAKEN)]); // Cyrillic а
    expect(t.register(peer(4), "b\u03bfb")).toEqual([error(ErrorText.USERNAME_TAKEN)]); // Greek ο
    expect(t.register(peer(5), "bobby")).toEqual([OK]);
    expect(t.server.users()).toEqual(["alice", "bob", "bobby"]);
  });

  it("refuses look-alikes that case folding hid (revision 3): every pair of the issue", () => {
    const pairs: Array<[string, string]> = [
      ["bill", "biIl"],
      ["alice", "aIice"],
      ["lol", "\u04c0o\u04c0"], // Cyrillic palochka
      ["BOB", "\u0392\u039f\u0392"], // Greek
      ["ADMIN", "\u0410D\u041cIN"], // Cyrillic А, М
      ["SCOTT", "\u0405\u0421\u041e\u0422\u0422"],
      ["HTML", "\u041d\u0422\u041cL"],
      ["BOBBY", "B0BBY"],
      ["MAX", "\u041c\u0410\u0425"],
      ["apple", "\u0430\u0440\u0440\u04cf\u0435"],
    ];
    const t = new TestServer();
    for (const [i, [held, lookAlike]] of pairs.entries()) {
      expect(t.register(peer(2 * i + 1), held)).toEqual([OK]);
      expect(t.register(peer(2 * i + 2), lookAlike)).toEqual([error(ErrorText.USERNAME_TAKEN)]);
    }
  });

  it("refuses a name whose fold is held even when its look-alike key differs (BILL and bill)", () => {
    const t = new TestServer();
    t.register(peer(1), "bill");
    expect(t.register(peer(2), "BILL")).toEqual([error(ErrorText.USERNAME_TAKEN)]);
  });

  it("refuses blank and invisible names with the reason", () => {
    const t = new TestServer();
    const refused: Array<[string, string]> = [
      ["\u3164", "contains an invisible character (U+3164)"],
      ["\u2800", "contains an invisible character (U+2800)"],
      ["\u2800\u2800", "contains an invisible character (U+2800)"],
      ["\u0301", "starts with a combining mark"],
      ["carol\u2800", "contains an invisible character (U+2800)"],
      ["da\u0301\u0301ve", "repeats a combining mark (U+0301)"],
    ];
    t.register(peer(1), "carol");
    for (const [i, [name, reason]] of refused.entries()) {
      expect(t.register(peer(10 + i), name)).toEqual([error(`username is invalid: ${reason}`)]);
    }
  });

  it("still registers honest names of every script, and names mixing a script with digits", () => {
    const t = new TestServer();
    const names = ["иван", "ελένη", "李小龍", "Zoë", "renée", "иван2000", "李小龍88", "user42"];
    for (const [i, name] of names.entries()) expect(t.register(peer(i + 1), name)).toEqual([OK]);
    expect(t.server.users()).toEqual(names);
  });

  it("frees the look-alike check with the name: after alice leaves, аlice may join", () => {
    const t = new TestServer();
    t.register(peer(1), "alice");
    t.reply(peer(1), { opcode: 12 });
    expect(t.register(peer(2), "\u0430lice")).toEqual([OK]);
    expect(t.register(peer(3), "alice")).toEqual([error(ErrorText.USERNAME_TAKEN)]);
  });

  it("looks up a PRIVATE's receiver by folded name, not by look-alike", () => {
    const t = new TestServer();
    t.register(peer(1), "alice");
    t.register(peer(2), "bob");
    expect(t.reply(peer(2), { opcode: 22, receiver: "ALICE", message: "hi" })).toEqual([OK]);
    expect(t.reply(peer(2), { opcode: 22, receiver: "\u0430lice", message: "hi" })).toEqual([
      error(ErrorText.userNotFound("\u0430lice")),
    ]);
  });

  it("stores names NFC-normalized", () => {
    const t = new TestServer();
    t.register(peer(1), "e\u0301mile");
    expect(t.server.users()).toEqual(["\u00e9mile"]);
    expect(t.register(peer(2), "\u00e9mile")).toEqual([error(ErrorText.USERNAME_TAKEN)]);
  });

  it("refuses an invalid name with its reason, before anything else", () => {
    const t = new TestServer();
    t.register(peer(1), "alice");
    const [reply] = t.register(peer(1), "has space");
    expect(reply).toEqual(error("username is invalid: contains whitespace"));
    expect(t.raw(peer(2), [11, 0, 0]).length).toBe(1);
    const [empty] = t.register(peer(2), "x".repeat(33));
    expect(empty).toEqual(error("username is invalid: longer than 32 bytes"));
  });

  it("refuses with 'server is full' at maxUsers", () => {
    const t = new TestServer({ maxUsers: 2 });
    t.register(peer(1), "a");
    t.register(peer(2), "b");
    expect(t.register(peer(3), "c")).toEqual([error(ErrorText.SERVER_FULL)]);
    t.reply(peer(1), { opcode: 12 });
    expect(t.register(peer(3), "c")).toEqual([OK]);
  });
});

import { describe, expect, it } from "vitest";
import { expectProtocolError, fromHex } from "./test-support/bytes.js";
import { checkName, decodeName, foldName, normalizeName } from "./text.js";

const utf8 = (text: string) => Buffer.from(text, "utf8");

describe("username length is 1 to 32 UTF-8 bytes", () => {
  it("accepts 1 byte and 32 bytes", () => {
    expect(decodeName(utf8("a"))).toBe("a");
    expect(decodeName(utf8("a".repeat(32)))).toBe("a".repeat(32));
  });

  it("refuses 33 bytes and an empty name", () => {
    expectProtocolError(
      () => decodeName(utf8("a".repeat(33))),
      "NAME_INVALID",
      "username is invalid: longer than 32 bytes",
    );
    expectProtocolError(
      () => decodeName(new Uint8Array(0)),
      "NAME_INVALID",
      "username is invalid: empty",
    );
    expect(checkName("")).toBe("empty");
  });

  it("measures bytes, not characters: 16 × é (32 bytes) fits, 11 × € (33 bytes) does not", () => {
    expect(checkName("é".repeat(16))).toBeUndefined();
    expect(decodeName(utf8("é".repeat(16)))).toBe("é".repeat(16));
    expect(checkName("€".repeat(11))).toBe("longer than 32 bytes");
    expectProtocolError(
      () => decodeName(utf8("€".repeat(11))),
      "NAME_INVALID",
      "username is invalid: longer than 32 bytes",
    );
  });

  it("accepts letters of any script and emoji", () => {
    for (const name of ["José", "Zoë", "日本語", "Ωμέγα", "user_01", "a-b.c", "😀", "🇮🇹"]) {
      expect(checkName(name), name).toBeUndefined();
    }
  });
});

describe("username characters", () => {
  it.each([
    ["NUL", "a\u0000b", "contains a control character"],
    ["a C0 control (TAB)", "a\tb", "contains a control character"],
    ["ESC", "a\u001bb", "contains a control character"],
    ["DEL", "a\u007fb", "contains a control character"],
    ["a C1 control (U+0085)", "a\u0085b", "contains a control character"],
    ["a C1 control (U+009B)", "a\u009bb", "contains a control character"],
    ["a space", "a b", "contains whitespace"],
    ["a no-break space (U+00A0)", "a\u00a0b", "contains whitespace"],
    ["an ideographic space (U+3000)", "a\u3000b", "contains whitespace"],
    ["a line separator (U+2028)", "a\u2028b", "contains whitespace"],
    ["a zero-width space (U+200B)", "a\u200bb", "contains an invisible format character"],
    ["a right-to-left override (U+202E)", "a\u202eb", "contains an invisible format character"],
    ["a left-to-right isolate (U+2066)", "a\u2066b", "contains an invisible format character"],
    ["a byte-order mark (U+FEFF)", "\ufeffab", "contains an invisible format character"],
    ["a soft hyphen (U+00AD)", "a\u00adb", "contains an invisible format character"],
    ["the replacement character (U+FFFD)", "a\ufffdb", "contains U+FFFD"],
  ])("refuses %s", (_what, name, reason) => {
    expect(checkName(name)).toBe(reason);
    expectProtocolError(
      () => decodeName(utf8(name)),
      "NAME_INVALID",
      `username is invalid: ${reason}`,
    );
  });

  it("refuses a lone surrogate in a string", () => {
    expect(checkName("a\ud800")).toBe("not valid UTF-8");
  });
});

describe("username bytes must be strict UTF-8", () => {
  it.each([
    ["an overlong NUL (C0 80)", "61 c080"],
    ["an overlong '/' (E0 80 AF)", "e080af"],
    ["a surrogate encoded in UTF-8 (ED A0 80)", "61 eda080"],
    ["a truncated sequence (E2 82)", "61 e282"],
    ["a lone continuation byte (80)", "80 61"],
    ["a code point past U+10FFFF (F4 90 80 80)", "f4908080"],
    ["a byte never used in UTF-8 (FF)", "61 ff"],
  ])("refuses %s with INVALID_UTF8", (_what, hex) => {
    expectProtocolError(
      () => decodeName(fromHex(hex)),
      "INVALID_UTF8",
      "username is invalid: not valid UTF-8",
    );
  });

  it("checks the length before decoding: 33 invalid bytes are too long", () => {
    expectProtocolError(
      () => decodeName(new Uint8Array(33).fill(0xff)),
      "NAME_INVALID",
      "username is invalid: longer than 32 bytes",
    );
  });
});

describe("names are stored NFC and compared in their NFKC_Casefold form", () => {
  it("stores a decomposed é (e + U+0301) as the composed U+00E9", () => {
    expect(decodeName(utf8("Jose\u0301"))).toBe("Jos\u00e9");
    expect(normalizeName("Jose\u0301")).toBe("Jos\u00e9");
  });

  it("folds names that differ only in case to the same key", () => {
    expect(foldName("Alice")).toBe(foldName("alice"));
    expect(foldName("ALICE")).toBe("alice");
  });

  it("folds a composed and a decomposed é to the same key", () => {
    expect(foldName("Jos\u00e9")).toBe(foldName("Jose\u0301"));
    expect(foldName("JOSE\u0301")).toBe(foldName("josé"));
  });

  it("folds fullwidth letters to ASCII (NFKC)", () => {
    expect(foldName("Ａｌｉｃｅ")).toBe("alice");
    expect(foldName("Ａｌｉｃｅ")).toBe(foldName("Alice"));
  });

  it("folds case fully, as protocol.md says: ß and SS, final and medial sigma, ǅ and ǆ meet", () => {
    expect(foldName("straße")).toBe(foldName("STRASSE"));
    expect(foldName("STRASSE")).toBe("strasse");
    expect(foldName("ς")).toBe(foldName("σ"));
    expect(foldName("ǅ")).toBe(foldName("ǆ"));
    expect(foldName("ǅ")).toBe(foldName("Ǆ"));
  });

  it("folds away default-ignorable characters a name may hold (variation selectors, CGJ)", () => {
    expect(foldName("alice\uFE0F")).toBe("alice");
    expect(foldName("ali\u034Fce")).toBe("alice");
  });

  it("keeps a dotless ı and a Turkish İ apart from i, as full (not Turkic) folding does", () => {
    expect(foldName("ı")).toBe("ı");
    expect(foldName("İ")).toBe("i\u0307");
  });

  it("keeps different names apart", () => {
    expect(foldName("alice")).not.toBe(foldName("alicia"));
    expect(foldName("zoe")).not.toBe(foldName("zoë"));
  });
});

import { INVISIBLE_CLASS } from "@chat/protocol";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isPrintable, jsonLine, sanitizeLine, sanitizeMessage } from "./terminal-text.js";

/*
 * Strings rich in what matters: controls, the general punctuation block (bidi, zero
 * width, separators), lone surrogates, tags, and any code point at all.
 */
const riskyText = fc
  .array(
    fc.oneof(
      fc.integer({ min: 0, max: 0xff }),
      fc.integer({ min: 0x2000, max: 0x206f }),
      fc.integer({ min: 0xd800, max: 0xdfff }),
      fc.integer({ min: 0xe0000, max: 0xe007f }),
      fc.integer({ min: 0, max: 0x10ffff }),
    ),
    { maxLength: 40 },
  )
  .map((points) =>
    points
      .map((point) => (point <= 0xffff ? String.fromCharCode(point) : String.fromCodePoint(point)))
      .join(""),
  );

const INVISIBLE = new RegExp(INVISIBLE_CLASS, "u");
const DANGEROUS = /[\u0000-\u001f\u007f-\u009f\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;

describe("sanitizeLine", () => {
  it("keeps ordinary text, accents, CJK and emoji as they are", () => {
    for (const text of ["hello, world", "café", "e\u0301", "中文 テスト", "😀👍", "❤", "a b"]) {
      expect(sanitizeLine(text)).toBe(text);
    }
  });

  it("shows an escape sequence as visible text, so it cannot move the cursor or recolour", () => {
    expect(sanitizeLine("\u001b[2J\u001b[31mred")).toBe("\\x1b[2J\\x1b[31mred");
    expect(sanitizeLine("\u001b]0;pwned\u0007")).toBe("\\x1b]0;pwned\\x07");
  });

  it("shows every C0 control, DEL and C1 control as \\xNN", () => {
    expect(sanitizeLine("a\u0000b")).toBe("a\\x00b");
    expect(sanitizeLine("\r\n\t\b")).toBe("\\x0d\\x0a\\x09\\x08");
    expect(sanitizeLine("\u007f")).toBe("\\x7f");
    expect(sanitizeLine("\u009b31m")).toBe("\\x9b31m");
    expect(sanitizeLine("\u0085")).toBe("\\x85");
  });

  it("shows bidi overrides, embeddings and isolates as <U+XXXX>", () => {
    expect(sanitizeLine("abc\u202Efdp.exe")).toBe("abc<U+202E>fdp.exe");
    for (const point of [0x202a, 0x202b, 0x202c, 0x202d, 0x2066, 0x2067, 0x2068, 0x2069]) {
      const hex = point.toString(16).toUpperCase();
      expect(sanitizeLine(`x${String.fromCodePoint(point)}y`)).toBe(`x<U+${hex}>y`);
    }
    expect(sanitizeLine("\u200E\u200F\u061C")).toBe("<U+200E><U+200F><U+061C>");
  });

  it("shows zero-width and other invisible characters, so look-alike names differ", () => {
    expect(sanitizeLine("al\u200Bice")).toBe("al<U+200B>ice");
    expect(sanitizeLine("\u200C\u200D\u2060\uFEFF\u00AD")).toBe(
      "<U+200C><U+200D><U+2060><U+FEFF><U+00AD>",
    );
    expect(sanitizeLine("\u3164")).toBe("<U+3164>");
    // Revision 3: the blanks and every default ignorable, from the protocol's list.
    expect(sanitizeLine("carol\u2800")).toBe("carol<U+2800>");
    expect(sanitizeLine("\u115f\u1160\uffa0\u034f")).toBe("<U+115F><U+1160><U+FFA0><U+034F>");
    expect(sanitizeLine("a\u{13441}\u{1D159}")).toBe("a<U+13441><U+1D159>");
    expect(sanitizeLine("\u{E0041}")).toBe("<U+E0041>");
  });

  it("drops emoji and text presentation selectors, whose width terminals disagree on", () => {
    expect(sanitizeLine("I ❤\uFE0F it, ⌚\uFE0E")).toBe("I ❤ it, ⌚");
  });

  it("shows flags as their letters, since terminals disagree on their width", () => {
    expect(sanitizeLine("vive la 🇫🇷, hi 🇯🇵🇺🇸!")).toBe("vive la [FR], hi [JP][US]!");
    expect(sanitizeLine("lone \u{1F1FF}")).toBe("lone [Z]");
  });

  it("shows line and paragraph separators, which some terminals treat as new lines", () => {
    expect(sanitizeLine("a\u2028b\u2029c")).toBe("a<U+2028>b<U+2029>c");
  });

  it("shows a lone surrogate instead of passing broken UTF-16 on", () => {
    expect(sanitizeLine("a\uD800b")).toBe("a<U+D800>b");
    expect(sanitizeLine("\uDC00")).toBe("<U+DC00>");
  });

  it("never leaves a control, format or separator character in its output", () => {
    fc.assert(
      fc.property(riskyText, (text) => {
        expect(DANGEROUS.test(sanitizeLine(text))).toBe(false);
      }),
      { numRuns: 2_000 },
    );
  });

  it("changes nothing in text that has nothing to escape", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 40 }), (text) => {
        // Blanks and default ignorables (the protocol's invisible set, U+13441 EGYPTIAN
        // HIEROGLYPH FULL BLANK among them) are escaped on purpose.
        fc.pre(
          !DANGEROUS.test(text) &&
            !INVISIBLE.test(text) &&
            !/\uFE0E|\uFE0F|\p{Regional_Indicator}/u.test(text),
        );
        expect(sanitizeLine(text)).toBe(text);
        expect(isPrintable(text)).toBe(true);
      }),
    );
  });
});

describe("sanitizeMessage", () => {
  it("splits a message at LF into lines, as the protocol allows LF", () => {
    expect(sanitizeMessage("first\nsecond")).toEqual(["first", "second"]);
  });

  it("turns TAB into spaces", () => {
    expect(sanitizeMessage("a\tb")).toEqual(["a    b"]);
  });

  it("shows CR instead of letting it return the cursor over the line", () => {
    expect(sanitizeMessage("innocent\rEVIL")).toEqual(["innocent\\x0dEVIL"]);
  });

  it("escapes within each line", () => {
    expect(sanitizeMessage("\u001b[1m\n\u202E")).toEqual(["\\x1b[1m", "<U+202E>"]);
  });
});

describe("jsonLine", () => {
  it("writes every character sanitizeLine escapes as \\uXXXX, so the JSON reads back exactly", () => {
    const hostile = "\u001b]0;pwned\u0007\u009b2J\u202eevil\u2800\u3164";
    const line = jsonLine({ text: hostile });
    expect(line).toBe('{"text":"\\u001b]0;pwned\\u0007\\u009b2J\\u202eevil\\u2800\\u3164"}\n');
    expect(JSON.parse(line).text).toBe(hostile);
  });

  it("leaves ordinary text and emoji presentation alone", () => {
    expect(jsonLine({ text: "héllo ❤\uFE0F 李" })).toBe('{"text":"héllo ❤\uFE0F 李"}\n');
  });
});

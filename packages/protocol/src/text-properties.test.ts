import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { NOT_VALID_UTF8, nameInvalid, ProtocolError } from "./errors.js";
import { anyText, validMessage, validName } from "./test-support/arbitraries.js";
import { expectProtocolError } from "./test-support/bytes.js";
import {
  checkMessage,
  checkMessageBytes,
  checkName,
  decodeFoldedName,
  decodeMessage,
  decodeName,
  foldName,
  nameRefusal,
  normalizeName,
  parseFoldedName,
  parseName,
} from "./text.js";
import { decodeUtf8 } from "./utf8.js";

const utf8 = (text: string) => Buffer.from(text, "utf8");

const FORBIDDEN_IN_NAME = [
  "\0",
  "\t",
  "\n",
  "\r",
  " ",
  "\u001b",
  "\u007f",
  "\u0085",
  "\u009b",
  "\u00a0",
  "\u1680",
  "\u2003",
  "\u2028",
  "\u3000",
  "\u00ad",
  "\u200b",
  "\u200d",
  "\u202e",
  "\u2066",
  "\ufeff",
  "\ufffd",
];
const FORBIDDEN_IN_MESSAGE = [
  "\0",
  "\r",
  "\u0007",
  "\u001b",
  "\u007f",
  "\u0080",
  "\u0085",
  "\u009b",
  "\u009f",
];

/** Inserts `extra` into `text` at a code-point boundary chosen by `at`. */
function insertAt(text: string, extra: string, at: number): string {
  const points = [...text];
  const index = at % (points.length + 1);
  return [...points.slice(0, index), extra, ...points.slice(index)].join("");
}

/** The name rules written plainly, without the ASCII fast path: the oracle for checkName. */
function referenceCheckName(name: string): string | undefined {
  if (!name.isWellFormed()) return "not valid UTF-8";
  const bytes = Buffer.byteLength(name, "utf8");
  if (bytes === 0) return "empty";
  if (bytes > 32) return "longer than 32 bytes";
  if (/\p{Cc}/u.test(name)) return "contains a control character";
  if (/\p{White_Space}/u.test(name)) return "contains whitespace";
  if (/\p{Cf}/u.test(name)) return "contains an invisible format character";
  if (name.includes("\uFFFD")) return "contains U+FFFD";
  const invisible = /[\p{Default_Ignorable_Code_Point}\u2800\u{13441}\u{13442}\u{1D159}]/u.exec(
    name,
  );
  if (invisible !== null) return `contains an invisible character (${label(invisible[0])})`;
  if (Buffer.byteLength(name.normalize("NFC"), "utf8") > 32)
    return "longer than 32 bytes once normalized";
  if (/^\p{M}/u.test(name.normalize("NFC"))) return "starts with a combining mark";
  const nfd = [...name.normalize("NFD")];
  for (let i = 1; i < nfd.length; i++) {
    const mark = nfd[i] as string;
    if (mark !== nfd[i - 1] || !/\p{Mn}/u.test(mark)) continue;
    // Unless one character of the name is that pair by itself (Gurung Khema U+16121).
    const byDesign = [...name.normalize("NFC")].some((c) =>
      c.normalize("NFD").includes(mark + mark),
    );
    if (!byDesign) return `repeats a combining mark (${label(mark)})`;
  }
  return undefined;
}

function label(char: string): string {
  return `U+${(char.codePointAt(0) as number).toString(16).toUpperCase().padStart(4, "0")}`;
}

const asciiText = fc
  .string({ unit: "binary-ascii", maxLength: 40 })
  .map((text) => text.replace(/[\x80-\xff]/g, "a"));

describe("name rules, for any input", () => {
  it("checkName agrees with the plain statement of the rules, ASCII or not", () => {
    fc.assert(
      fc.property(fc.oneof(asciiText, anyText(36), validName), (name) => {
        const reason = referenceCheckName(name);
        expect(checkName(name)).toBe(reason);
        if (reason === undefined) expect(decodeName(utf8(name))).toBe(name.normalize("NFC"));
        else
          expectProtocolError(
            () => decodeName(utf8(name)),
            "NAME_INVALID",
            `username is invalid: ${reason}`,
          );
        expect(normalizeName(name)).toBe(name.normalize("NFC"));
        expect(foldName(foldName(name))).toBe(foldName(name));
      }),
      { numRuns: 3000 },
    );
  });

  it("accepts valid names and stores them NFC", () => {
    fc.assert(
      fc.property(validName, (name) => {
        expect(checkName(name)).toBeUndefined();
        expect(decodeName(utf8(name))).toBe(name.normalize("NFC"));
      }),
    );
  });

  it("refuses a name with any forbidden character inserted", () => {
    fc.assert(
      fc.property(validName, fc.constantFrom(...FORBIDDEN_IN_NAME), fc.nat(), (name, bad, at) => {
        const reason = checkName(insertAt(name, bad, at));
        expect(reason).toBeTypeOf("string");
      }),
    );
  });

  it("folds case and normalization away, and nothing else", () => {
    fc.assert(
      fc.property(validName, (name) => {
        // Full case folding: upper- or lower-casing first changes nothing ("ß" and "SS" too).
        expect(foldName(name)).toBe(foldName(name.toLowerCase()));
        expect(foldName(name.toUpperCase())).toBe(foldName(name));
        expect(foldName(name.normalize("NFD"))).toBe(foldName(normalizeName(name)));
        expect(foldName(foldName(name))).toBe(foldName(name));
        expect(foldName(`${name}x`)).not.toBe(foldName(`${name}y`));
      }),
    );
  });

  it("decodeName returns a valid NFC name or throws a ProtocolError, for any bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        try {
          const name = decodeName(bytes);
          expect(checkName(name)).toBeUndefined();
          expect(name).toBe(name.normalize("NFC"));
        } catch (error) {
          expect(error).toBeInstanceOf(ProtocolError);
          expect((error as ProtocolError).message).toMatch(/^username is invalid: /);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe("decodeFoldedName, for any bytes", () => {
  const outcome = (decode: () => string) => {
    try {
      return { folded: decode() };
    } catch (error) {
      return { error };
    }
  };
  const names = fc.oneof(
    fc.uint8Array({ maxLength: 40 }),
    fc.uint8Array({ minLength: 0, maxLength: 34 }).map((b) => b.map((x) => 0x1f + (x % 0x62))),
    fc.constantFrom(
      Buffer.from("Alice"),
      Buffer.from("bob"),
      Buffer.from("ÉLODIE"),
      Buffer.from("Ｂｏｂ"),
    ),
  );

  it("decodeName agrees with decoding the UTF-8 and checking the string, for any bytes", () => {
    const reference = (bytes: Uint8Array): string => {
      if (bytes.length === 0) throw nameInvalid("empty");
      if (bytes.length > 32) throw nameInvalid("longer than 32 bytes");
      const text = decodeUtf8(bytes);
      if (text === undefined) throw nameInvalid(NOT_VALID_UTF8);
      const reason = checkName(text);
      if (reason !== undefined) throw nameInvalid(reason);
      return text.normalize("NFC");
    };
    fc.assert(
      fc.property(names, (bytes) => {
        expect(outcome(() => decodeName(bytes))).toEqual(outcome(() => reference(bytes)));
      }),
      { numRuns: 3000 },
    );
  });

  it("is foldName(decodeName(bytes)): the same folded name or the same error", () => {
    fc.assert(
      fc.property(names, (bytes) => {
        expect(outcome(() => decodeFoldedName(bytes))).toEqual(
          outcome(() => foldName(decodeName(bytes))),
        );
      }),
      { numRuns: 3000 },
    );
  });

  it("parseName and parseFoldedName say without throwing what decodeName says by throwing", () => {
    fc.assert(
      fc.property(names, (bytes) => {
        const thrown = outcome(() => decodeName(bytes));
        const parsed = parseName(bytes);
        if (parsed === undefined) {
          const refusal = nameRefusal(bytes);
          expect(thrown).toEqual(
            outcome(() => {
              throw new ProtocolError(refusal.code, refusal.text);
            }),
          );
          expect(parseFoldedName(bytes)).toBeUndefined();
        } else {
          expect(thrown).toEqual(outcome(() => parsed));
          expect(parseFoldedName(bytes)).toBe(foldName(parsed));
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe("message rules, for any input", () => {
  it("accepts valid messages and gives them back unchanged", () => {
    fc.assert(
      fc.property(validMessage, (message) => {
        expect(checkMessage(message)).toBeUndefined();
        expect(decodeMessage(utf8(message))).toBe(message);
      }),
    );
  });

  it("refuses a message with any forbidden control inserted", () => {
    fc.assert(
      fc.property(
        validMessage,
        fc.constantFrom(...FORBIDDEN_IN_MESSAGE),
        fc.nat(),
        (message, bad, at) => {
          expect(checkMessage(insertAt(message, bad, at))).toMatch(/^contains /);
        },
      ),
    );
  });

  it("gives the same verdict on a string and on its UTF-8 bytes", () => {
    fc.assert(
      fc.property(anyText(60), fc.integer({ min: 1, max: 80 }), (message, max) => {
        expect(checkMessage(message, max)).toBe(checkMessageBytes(utf8(message), max));
      }),
      { numRuns: 2000 },
    );
  });

  it("decodeMessage returns a message or throws a ProtocolError, for any bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const reason = checkMessageBytes(bytes);
        try {
          const message = decodeMessage(bytes);
          expect(reason).toBeUndefined();
          expect(utf8(message).equals(Buffer.from(bytes))).toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(ProtocolError);
          expect((error as ProtocolError).message).toBe(`message is invalid: ${reason}`);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

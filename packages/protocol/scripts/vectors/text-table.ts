import { type MessageVector, type NameClashVector, type NameVector, utf8 } from "./types.js";

/* Names and messages as bytes alone (no header), for the text rules of docs/protocol.md#3-text. */

const DEFAULT_MAX = 1024;

/**
 * A valid name with its comparison key (NFKC_Casefold) and its look-alike key
 * (NFKC_Casefold(skeleton(NFKC(name))), revision 3), written out.
 */
const validName = (name: string, text: string, folded: string, lookAlike = folded): NameVector => ({
  name,
  hex: utf8(text),
  valid: true,
  stored: text.normalize("NFC"),
  folded,
  lookAlike,
});

const badName = (name: string, hex: string, reason: string): NameVector => ({
  name,
  hex,
  valid: false,
  code: reason === "not valid UTF-8" ? "INVALID_UTF8" : "NAME_INVALID",
  reason,
});

const CONTROL = "contains a control character";
const SPACE = "contains whitespace";
const FORMAT = "contains an invisible format character";
const NOT_UTF8 = "not valid UTF-8";
const invisible = (codePoint: string) => `contains an invisible character (U+${codePoint})`;
const LEADING_MARK = "starts with a combining mark";

export const names: NameVector[] = [
  validName("one byte", "a", "a"),
  validName("32 bytes", "a".repeat(32), "a".repeat(32)),
  validName("16 × é is 32 bytes", "é".repeat(16), "é".repeat(16)),
  validName("mixed case", "Alice", "alice"),
  validName("composed é", "Jos\u00e9", "jos\u00e9"),
  validName("decomposed é, stored composed", "Jose\u0301", "jos\u00e9"),
  validName("fullwidth letters, folded to ASCII", "Ａｌｉｃｅ", "alice"),
  validName("sharp s folds to ss (full case folding)", "Straße", "strasse"),
  validName("final sigma folds to sigma", "ΟΔΥΣΣΕΥΣ", "οδυσσευσ", "o\u03b4y\u0283\u0283ey\u0283"),
  validName(
    "titlecase digraph ǅ folds to dž (NFKC, then case)",
    "ǅemal",
    "d\u017eemal",
    "dz\u0306ernal",
  ),
  validName("Cyrillic а: a look-alike of alice", "\u0430lice", "\u0430lice", "alice"),
  validName("Greek ο: a look-alike of bob", "b\u03bfb", "b\u03bfb", "bob"),
  validName("m looks like rn", "modern", "modern", "rnodern"),
  validName("capital I looks like l: the skeleton comes before the fold", "biIl", "biil", "bill"),
  validName("digit 0 looks like capital O", "B0BBY", "b0bby", "bobby"),
  validName("Cyrillic palochka Ӏ looks like l", "\u04c0o\u04c0", "\u04cfo\u04cf", "lol"),
  validName("Greek capitals ΒΟΒ look like BOB", "\u0392\u039f\u0392", "\u03b2\u03bf\u03b2", "bob"),
  validName("CJK", "日本語", "日本語"),
  validName("emoji", "😀", "😀"),
  validName("punctuation; 0 and 1 look like O and l", "user_01.x-y", "user_01.x-y", "user_ol.x-y"),
  validName("Cyrillic иван", "иван", "иван", "\u1d0e\u0299a\u029c"),
  validName("Greek ελένη", "ελένη", "ελένη", "\ua793\u03bb\ua793\u0301vn\u0329"),
  validName("Chinese 李小龍", "李小龍", "李小龍"),
  validName("Zoë", "Zo\u00eb", "zo\u00eb", "zo\u00eb"),
  validName("renée", "ren\u00e9e", "ren\u00e9e", "ren\u00e9e"),
  validName("Cyrillic with digits", "иван2000", "иван2000", "\u1d0e\u0299a\u029c2ooo"),
  validName("Han with digits", "李小龍88", "李小龍88"),
  badName("empty", "", "empty"),
  badName("33 bytes", utf8("a".repeat(33)), "longer than 32 bytes"),
  badName("11 × € is 33 bytes", utf8("€".repeat(11)), "longer than 32 bytes"),
  badName("NUL", "61 00 62", CONTROL),
  badName("TAB", "61 09 62", CONTROL),
  badName("ESC", "61 1b 62", CONTROL),
  badName("DEL", "61 7f 62", CONTROL),
  badName("C1 control U+0085", utf8("a\u0085b"), CONTROL),
  badName("C1 control U+009B", utf8("a\u009bb"), CONTROL),
  badName("space", "61 20 62", SPACE),
  badName("no-break space U+00A0", utf8("a\u00a0b"), SPACE),
  badName("ideographic space U+3000", utf8("a\u3000b"), SPACE),
  badName("zero-width space U+200B", utf8("a\u200bb"), FORMAT),
  badName("right-to-left override U+202E", utf8("a\u202eb"), FORMAT),
  badName("left-to-right isolate U+2066", utf8("a\u2066b"), FORMAT),
  badName("byte-order mark U+FEFF", utf8("\ufeffab"), FORMAT),
  badName("Hangul filler U+3164 alone", utf8("\u3164"), invisible("3164")),
  badName("Hangul choseong filler U+115F", utf8("a\u115fb"), invisible("115F")),
  badName("Hangul jungseong filler U+1160", utf8("a\u1160b"), invisible("1160")),
  badName("halfwidth Hangul filler U+FFA0", utf8("\uffa0"), invisible("FFA0")),
  badName("variation selector U+FE0F", utf8("alice\ufe0f"), invisible("FE0F")),
  badName("combining grapheme joiner U+034F", utf8("a\u034fb"), invisible("034F")),
  badName("braille pattern blank U+2800 alone", utf8("\u2800"), invisible("2800")),
  badName("braille pattern blank twice", utf8("\u2800\u2800"), invisible("2800")),
  badName("carol and a braille blank", utf8("carol\u2800"), invisible("2800")),
  badName("Egyptian hieroglyph full blank U+13441", utf8("a\u{13441}"), invisible("13441")),
  badName("musical symbol null notehead U+1D159", utf8("a\u{1d159}"), invisible("1D159")),
  badName("a lone combining mark", utf8("\u0301"), LEADING_MARK),
  badName("a combining mark first", utf8("\u0308alice"), LEADING_MARK),
  badName(
    "dave with the same accent twice",
    utf8("da\u0301\u0301ve"),
    "repeats a combining mark (U+0301)",
  ),
  badName(
    "the same accent twice, once precomposed",
    utf8("d\u00e1\u0301ve"),
    "repeats a combining mark (U+0301)",
  ),
  badName(
    "only characters that fold to nothing (refused as invisible first)",
    utf8("\u115f\u1160"),
    invisible("115F"),
  ),
  badName("replacement character U+FFFD", utf8("a\ufffdb"), "contains U+FFFD"),
  badName("overlong NUL C0 80", "61 c080", NOT_UTF8),
  badName("overlong '/' E0 80 AF", "e080af", NOT_UTF8),
  badName("UTF-8 of a lone surrogate ED A0 80", "61 eda080", NOT_UTF8),
  badName("truncated sequence E2 82", "61 e282", NOT_UTF8),
  badName("past U+10FFFF F4 90 80 80", "f4908080", NOT_UTF8),
  badName("lone continuation byte", "80 61", NOT_UTF8),
  badName("byte FF", "61 ff", NOT_UTF8),
];

const goodMessage = (name: string, hex: string, maxMessageBytes = DEFAULT_MAX): MessageVector => ({
  name,
  hex,
  maxMessageBytes,
  valid: true,
});

const badMessage = (
  name: string,
  hex: string,
  reason: string,
  maxMessageBytes = DEFAULT_MAX,
): MessageVector => ({
  name,
  hex,
  maxMessageBytes,
  valid: false,
  code: reason === NOT_UTF8 ? "INVALID_UTF8" : "MESSAGE_INVALID",
  reason,
});

export const messages: MessageVector[] = [
  goodMessage("plain ASCII", utf8("hello")),
  goodMessage("TAB and LF", "61 09 62 0a 63"),
  goodMessage("emoji and multi-byte text", utf8("héllo 👋 日本")),
  goodMessage(
    "no-break space, zero-width space and a bidi override (shown escaped by clients)",
    utf8("a\u00a0b\u200bc\u202ed"),
  ),
  goodMessage("exactly 1,024 bytes", "61".repeat(1024)),
  goodMessage("exactly a configured maximum of 10 bytes", "61".repeat(10), 10),
  badMessage("empty", "", "empty"),
  badMessage("1,025 bytes", "61".repeat(1025), "longer than 1024 bytes"),
  badMessage(
    "11 bytes over a configured maximum of 10",
    "61".repeat(11),
    "longer than 10 bytes",
    10,
  ),
  badMessage("CR", "61 0d 0a", "contains a control character (U+000D)"),
  badMessage(
    "ESC sequence clearing the screen",
    "1b 5b 32 4a",
    "contains ESC (terminal escape sequences are refused)",
  ),
  badMessage("BEL", "64 07", "contains a control character (U+0007)"),
  badMessage("NUL", "61 00 62", "contains NUL"),
  badMessage("DEL", "61 7f", "contains a control character (DEL)"),
  badMessage("C1 control U+0080", "c280", "contains a control character (U+0080)"),
  badMessage("C1 control CSI U+009B", "c29b 32 4a", "contains a control character (U+009B)"),
  badMessage("C1 control NEL U+0085", "61 c285", "contains a control character (U+0085)"),
  badMessage("overlong E0 80 AF", "e080af", NOT_UTF8),
  badMessage("UTF-8 of a lone surrogate", "eda080", NOT_UTF8),
  badMessage("truncated sequence at the end", "61 e282", NOT_UTF8),
  badMessage("past U+10FFFF", "f4908080", NOT_UTF8),
  badMessage("lone continuation byte", "61 80", NOT_UTF8),
];

/** Pairs of names: may `registering` join while `held` is present? (docs/protocol.md#usernames, #revision-2) */
export const nameClashes: NameClashVector[] = [
  { name: "same name", held: "alice", registering: "alice", clash: "folded" },
  { name: "case", held: "alice", registering: "ALICE", clash: "folded" },
  { name: "ß and SS", held: "straße", registering: "STRASSE", clash: "folded" },
  { name: "final and medial sigma", held: "ς", registering: "σ", clash: "folded" },
  { name: "ǅ and ǆ", held: "ǅ", registering: "ǆ", clash: "folded" },
  { name: "fullwidth", held: "alice", registering: "Ａｌｉｃｅ", clash: "folded" },
  { name: "Cyrillic а in alice", held: "alice", registering: "\u0430lice", clash: "look-alike" },
  { name: "Greek ο in bob", held: "bob", registering: "b\u03bfb", clash: "look-alike" },
  { name: "rn for m", held: "modern", registering: "rnodern", clash: "look-alike" },
  // Revision 3: the skeleton comes before the fold, so capitals and digits still map.
  { name: "capital I for l", held: "bill", registering: "biIl", clash: "look-alike" },
  { name: "capital I for l in alice", held: "alice", registering: "aIice", clash: "look-alike" },
  {
    name: "Cyrillic palochka Ӏ for l",
    held: "lol",
    registering: "\u04c0o\u04c0",
    clash: "look-alike",
  },
  {
    name: "Greek ΒΟΒ for BOB",
    held: "BOB",
    registering: "\u0392\u039f\u0392",
    clash: "look-alike",
  },
  {
    name: "Cyrillic А and М in ADMIN",
    held: "ADMIN",
    registering: "\u0410D\u041cIN",
    clash: "look-alike",
  },
  {
    name: "Cyrillic ЅСОТТ for SCOTT",
    held: "SCOTT",
    registering: "\u0405\u0421\u041e\u0422\u0422",
    clash: "look-alike",
  },
  {
    name: "Cyrillic НТМ in HTML",
    held: "HTML",
    registering: "\u041d\u0422\u041cL",
    clash: "look-alike",
  },
  { name: "digit 0 for O", held: "BOBBY", registering: "B0BBY", clash: "look-alike" },
  {
    name: "Cyrillic МАХ for MAX",
    held: "MAX",
    registering: "\u041c\u0410\u0425",
    clash: "look-alike",
  },
  {
    name: "Cyrillic аррӏе for apple",
    held: "apple",
    registering: "\u0430\u0440\u0440\u04cf\u0435",
    clash: "look-alike",
  },
  {
    name: "capitals of a held name whose key differs",
    held: "bill",
    registering: "BILL",
    clash: "folded",
  },
  { name: "Cyrillic иван and Greek ελένη", held: "иван", registering: "ελένη", clash: "none" },
  { name: "иван and ivan", held: "ivan", registering: "иван", clash: "none" },
  { name: "Zoë and renée", held: "Zoë", registering: "renée", clash: "none" },
  { name: "a script with digits", held: "иван", registering: "иван2000", clash: "none" },
  { name: "a longer name", held: "bob", registering: "bobby", clash: "none" },
  { name: "a different letter", held: "alice", registering: "alicia", clash: "none" },
  { name: "a diaeresis", held: "zoe", registering: "zoë", clash: "none" },
  {
    name: "dotless ı: its own fold, but it looks like i",
    held: "i",
    registering: "ı",
    clash: "look-alike",
  },
];

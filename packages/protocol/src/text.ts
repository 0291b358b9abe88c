import { ErrorText } from "./error-texts.js";
import {
  messageInvalid,
  NOT_VALID_UTF8,
  nameInvalid,
  ProtocolError,
  type ProtocolErrorCode,
} from "./errors.js";
import { DEFAULT_MAX_MESSAGE_BYTES, MAX_NAME_BYTES, MIN_NAME_BYTES } from "./limits.js";
import { invisibleCharacter } from "./unicode/blank.js";
import { nfkcCasefold } from "./unicode/fold.js";
import { asciiLookAlikeKey, mappedSkeleton } from "./unicode/skeleton.js";
import { decodeUtf8, isValidUtf8, utf8Length } from "./utf8.js";

/*
 * The text rules of docs/protocol.md#3-text. Each `check…` returns the reason a
 * value is refused (the free text after "username is invalid: " or "message is invalid: "),
 * or `undefined` when it is acceptable. The `decode…` forms take raw bytes and throw the
 * ProtocolError a server would answer with.
 */

// Controls (C0, DEL, C1), any White_Space, format characters (Cf) and U+FFFD.
const FORBIDDEN_IN_NAME = /[\p{Cc}\p{White_Space}\p{Cf}\uFFFD]/u;
// Any combining mark: only a name holding one can repeat one (no single character's NFD
// holds the same mark twice, a test checks every code point), so NFD is skipped without.
const ANY_MARK = /\p{M}/u;
const DESCRIBE: Array<[RegExp, string]> = [
  [/\p{Cc}/u, "contains a control character"],
  [/\p{White_Space}/u, "contains whitespace"],
  [/\p{Cf}/u, "contains an invisible format character"],
  [/\uFFFD/u, "contains U+FFFD"],
];
/** A combining mark first: it has no base to sit on (revision 3). */
const LEADING_MARK = /^\p{M}/u;
/** The same nonspacing mark twice in a row on one base, in NFD (UTS #39 "Optional Detection", revision 3). */
const REPEATED_MARK = /(\p{Mn})\1/u;

/** Why a (decoded) name is refused, or `undefined` if it is a valid name. */
export function checkName(name: string): string | undefined {
  if (!name.isWellFormed()) return NOT_VALID_UTF8;
  if (isAscii(name)) return checkAsciiName(name);
  return checkUnicodeName(name, () => name.normalize("NFC"));
}

/** The rules for a well-formed, non-ASCII name; `stored` gives its NFC form when needed. */
function checkUnicodeName(name: string, normalize: () => string): string | undefined {
  let nfc: string | undefined;
  // Normalized once, and only when a rule asks for it.
  const stored = () => (nfc ??= normalize());
  if (utf8Length(name) > MAX_NAME_BYTES) return `longer than ${MAX_NAME_BYTES} bytes`;
  if (FORBIDDEN_IN_NAME.test(name)) {
    for (const [pattern, reason] of DESCRIBE) if (pattern.test(name)) return reason;
  }
  const invisible = invisibleCharacter(name);
  if (invisible !== undefined) {
    return `contains an invisible character (${codePointLabel(invisible)})`;
  }
  if (utf8Length(stored()) > MAX_NAME_BYTES) {
    return `longer than ${MAX_NAME_BYTES} bytes once normalized`;
  }
  if (ANY_MARK.test(name)) {
    if (LEADING_MARK.test(stored())) return "starts with a combining mark";
    const repeated = REPEATED_MARK.exec(name.normalize("NFD"));
    if (repeated !== null && !repeatsByDesign(stored(), repeated[0])) {
      return `repeats a combining mark (${codePointLabel(repeated[1] as string)})`;
    }
  }
  // A name whose NFKC_Casefold is empty would have to hold only Default_Ignorable_Code_Point
  // characters, refused above (blank.test.ts checks every code point), so none gets here.
  return undefined;
}

/*
 * A few vowel signs are one character that decomposes into the same mark twice (Gurung
 * Khema U+16121 is U+1611E U+1611E): such a repeat is the character itself, not a mark
 * typed twice, so a name holding it stays valid.
 */
function repeatsByDesign(nfc: string, pair: string): boolean {
  for (const char of nfc) if (char.normalize("NFD").includes(pair)) return true;
  return false;
}

/** "U+0301": how a reason names a character. */
function codePointLabel(char: string): string {
  return `U+${(char.codePointAt(0) as number).toString(16).toUpperCase().padStart(4, "0")}`;
}

/*
 * Most names are ASCII. For them the rules reduce to a length and a scan for controls and
 * space, and NFC/NFKC are the identity, so the ICU normalizer (about 250 ns a call, even
 * on ASCII) is skipped. The answers are the same as the general path's; a test checks it.
 */
function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

function checkAsciiName(name: string): string | undefined {
  const length = name.length;
  if (length < MIN_NAME_BYTES) return "empty";
  if (length > MAX_NAME_BYTES) return `longer than ${MAX_NAME_BYTES} bytes`;
  // A control anywhere is reported before a space anywhere, as in the general path.
  let space = false;
  for (let i = 0; i < length; i++) {
    const unit = name.charCodeAt(i);
    if (unit < 0x20 || unit === 0x7f) return "contains a control character";
    if (unit === 0x20) space = true;
  }
  return space ? "contains whitespace" : undefined;
}

/** The stored form of a valid name: NFC. */
export function normalizeName(name: string): string {
  return isAscii(name) ? name : name.normalize("NFC");
}

/**
 * The form two names are compared in: NFKC_Casefold (full case folding, docs/protocol.md#usernames).
 * "Alice" and "alice", "straße" and "STRASSE", a composed and a decomposed "é" fold equal.
 * On ASCII it is plain lower case.
 */
export function foldName(name: string): string {
  return isAscii(name) ? name.toLowerCase() : nfkcCasefold(name);
}

/**
 * The key look-alike names clash in (docs/protocol.md#revision-3-identity):
 * NFKC_Casefold(skeleton(NFKC(name))), for a valid (NFC) name. The skeleton comes before the
 * fold, since confusables.txt maps capitals and digits that folding would remove first
 * (I→l, 0→O): "biIl" and "bill", "B0BBY" and "BOBBY", Cyrillic "аlice" and "alice" share a
 * key; "bobby" and "bob" do not. Two names clash when their folds or their keys are equal.
 * `folded`, when given, must be `foldName(name)`: it saves folding twice.
 */
export function lookAlikeKey(name: string, folded?: string): string {
  const ascii = isAscii(name);
  if (ascii) {
    const key = asciiLookAlikeKey(name, folded ?? name.toLowerCase());
    if (key !== undefined) return key;
  }
  const nfkc = ascii ? name : name.normalize("NFKC");
  const mapped = mappedSkeleton(nfkc);
  // Nothing maps: the skeleton is NFD(nfkc), whose fold is the name's own (pass it if known).
  if (mapped === undefined) return folded ?? foldName(nfkc);
  return foldName(mapped);
}

/** A refusal as data: the exact ERROR text and the stable code, without an Error's stack. */
export interface TextRefusal {
  readonly code: ProtocolErrorCode;
  readonly text: string;
}

/**
 * Decodes and checks a name from the wire without throwing: its NFC form, or `undefined`
 * when the rules refuse it (`nameRefusal` then says why). The server's hot path.
 */
export function parseName(bytes: Uint8Array): string | undefined {
  const printable = printableAsciiName(bytes);
  if (printable !== undefined) return printable;
  const outcome = readName(bytes);
  return outcome.ok ? outcome.name : undefined;
}

/** `foldName(parseName(bytes))`: the form a PRIVATE's receiver is looked up in. */
export function parseFoldedName(bytes: Uint8Array): string | undefined {
  const printable = printableAsciiName(bytes);
  if (printable !== undefined) return printable.toLowerCase();
  const name = parseName(bytes);
  return name === undefined ? undefined : foldName(name);
}

/** Why `parseName(bytes)` refused: `username is invalid: <reason>` and its code. */
export function nameRefusal(bytes: Uint8Array): TextRefusal {
  const outcome = readName(bytes);
  const reason = outcome.ok ? "accepted" : outcome.reason;
  return {
    code: reason === NOT_VALID_UTF8 ? "INVALID_UTF8" : "NAME_INVALID",
    text: `${ErrorText.USERNAME_INVALID_PREFIX}${reason}`,
  };
}

/** `message is invalid: <reason>` and its code, for a reason from `checkMessageBytes`. */
export function messageRefusal(reason: string): TextRefusal {
  return {
    code: reason === NOT_VALID_UTF8 ? "INVALID_UTF8" : "MESSAGE_INVALID",
    text: `${ErrorText.MESSAGE_INVALID_PREFIX}${reason}`,
  };
}

/** Decodes and checks a name from the wire; returns its NFC form or throws `username is invalid`. */
export function decodeName(bytes: Uint8Array): string {
  const name = parseName(bytes);
  if (name !== undefined) return name;
  const refusal = nameRefusal(bytes);
  throw new ProtocolError(refusal.code, refusal.text);
}

type NameOutcome = { ok: true; name: string } | { ok: false; reason: string };

/** The general path of parseName, with the reason when the name is refused. */
function readName(bytes: Uint8Array): NameOutcome {
  if (bytes.length === 0) return { ok: false, reason: "empty" };
  if (bytes.length > MAX_NAME_BYTES) {
    return { ok: false, reason: `longer than ${MAX_NAME_BYTES} bytes` };
  }
  const name = decodeUtf8(bytes);
  if (name === undefined) return { ok: false, reason: NOT_VALID_UTF8 };
  if (isAscii(name)) {
    const reason = checkAsciiName(name);
    return reason === undefined ? { ok: true, name } : { ok: false, reason };
  }
  // Normalize once: the NFC form is both checked and returned.
  let nfc: string | undefined;
  const stored = () => {
    nfc ??= name.normalize("NFC");
    return nfc;
  };
  const reason = checkUnicodeName(name, stored);
  return reason === undefined ? { ok: true, name: stored() } : { ok: false, reason };
}

/**
 * `foldName(decodeName(bytes))`, with the same errors: the form a name from the wire (a
 * PRIVATE's receiver) is looked up in.
 */
export function decodeFoldedName(bytes: Uint8Array): string {
  const folded = parseFoldedName(bytes);
  if (folded !== undefined) return folded;
  const refusal = nameRefusal(bytes);
  throw new ProtocolError(refusal.code, refusal.text);
}

/*
 * Most names on the wire are printable ASCII (0x21 to 0x7E) of a valid length: such a name
 * is valid, and its NFC and NFKC forms are itself, so it is read straight from the bytes,
 * without the UTF-8 validator and decoder (about 200 -> 100 ns a name). Anything else
 * (`undefined`) takes the general path.
 */
function printableAsciiName(bytes: Uint8Array): string | undefined {
  const length = bytes.length;
  if (length < MIN_NAME_BYTES || length > MAX_NAME_BYTES) return undefined;
  for (let i = 0; i < length; i++) {
    const byte = bytes[i] as number;
    if (byte < 0x21 || byte > 0x7e) return undefined;
  }
  return String.fromCharCode.apply(null, bytes as unknown as number[]);
}

/**
 * Why message bytes are refused, or `undefined`. Works on bytes without decoding them, so a
 * server can check a message it only forwards: C0 controls other than TAB and LF, DEL,
 * and C1 controls (UTF-8 C2 80 to C2 9F) are refused, as is invalid UTF-8.
 */
export function checkMessageBytes(
  bytes: Uint8Array,
  maxMessageBytes: number = DEFAULT_MAX_MESSAGE_BYTES,
): string | undefined {
  const length = bytes.length;
  if (length === 0) return "empty";
  if (length > maxMessageBytes) return `longer than ${maxMessageBytes} bytes`;
  let nonAscii = false;
  for (let i = 0; i < length; i++) {
    const byte = bytes[i] as number;
    if (byte < 0x20) {
      if (byte !== 0x09 && byte !== 0x0a) return describeControl(byte);
    } else if (byte >= 0x7f) {
      if (byte === 0x7f) return "contains a control character (DEL)";
      nonAscii = true;
      if (byte === 0xc2) {
        const next = bytes[i + 1];
        if (next !== undefined && next >= 0x80 && next <= 0x9f) {
          return `contains a control character (U+00${next.toString(16).toUpperCase()})`;
        }
      }
    }
  }
  // Pure ASCII is valid UTF-8: skip the native validator, the common case on the hot path.
  if (nonAscii && !isValidUtf8(bytes)) return NOT_VALID_UTF8;
  return undefined;
}

function describeControl(byte: number): string {
  if (byte === 0x00) return "contains NUL";
  if (byte === 0x1b) return "contains ESC (terminal escape sequences are refused)";
  return `contains a control character (U+${byte.toString(16).toUpperCase().padStart(4, "0")})`;
}

/** Why a message string is refused, or `undefined`. */
export function checkMessage(
  message: string,
  maxMessageBytes: number = DEFAULT_MAX_MESSAGE_BYTES,
): string | undefined {
  if (!message.isWellFormed()) return NOT_VALID_UTF8;
  return checkMessageBytes(Buffer.from(message, "utf8"), maxMessageBytes);
}

/** Decodes and checks a message from the wire, or throws `message is invalid`. */
export function decodeMessage(
  bytes: Uint8Array,
  maxMessageBytes: number = DEFAULT_MAX_MESSAGE_BYTES,
): string {
  const reason = checkMessageBytes(bytes, maxMessageBytes);
  if (reason !== undefined) throw messageInvalid(reason);
  return decodeUtf8(bytes) as string;
}

/** Throws the error for a refused name; for callers that hold a string. */
export function assertName(name: string): void {
  const reason = checkName(name);
  if (reason !== undefined) throw nameInvalid(reason);
}

/** Throws the error for a refused message; for callers that hold a string. */
export function assertMessage(message: string, maxMessageBytes?: number): void {
  const reason = checkMessage(message, maxMessageBytes);
  if (reason !== undefined) throw messageInvalid(reason);
}

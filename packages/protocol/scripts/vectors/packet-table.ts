import type { ProtocolErrorCode } from "../../src/errors.js";
import type { Direction } from "../../src/frame.js";
import { Opcode } from "../../src/opcodes.js";
import { addressCheckInvalid, addressCheckValid } from "./address-check-table.js";
import { frame, type InvalidVector, utf8, type ValidVector } from "./types.js";

/*
 * With text-table.ts, the single source of vectors/vectors.json: `pnpm --filter
 * @chat/protocol vectors` writes it and a test checks the file is current. Hex is written
 * out by hand as OPCODE | LENGTH | DATA; spaces and `|` are only for reading. The helpers
 * in types.ts build inputs (UTF-8 of a string, a header before long DATA) without the codec.
 */

const MALFORMED = "malformed packet: ";
const NAME_INVALID = "username is invalid: ";
const MESSAGE_INVALID = "message is invalid: ";

const malformed = (
  name: string,
  hex: string,
  code: ProtocolErrorCode,
  direction: Direction = "any",
): InvalidVector => ({ name, hex, direction, code, errorTextPrefix: MALFORMED });

const unknown = (
  name: string,
  hex: string,
  opcode: number,
  direction: Direction,
): InvalidVector => ({
  name,
  hex,
  direction,
  code: "UNKNOWN_OPCODE",
  errorText: `unknown opcode ${opcode}`,
});

export const valid: ValidVector[] = [
  { name: "OK", hex: "00 | 0000", packet: { opcode: Opcode.OK }, rules: "pass" },
  {
    name: "ERROR with a text",
    hex: "01 | 0013 | 75736572206e6f7420666f756e643a20626f62",
    packet: { opcode: Opcode.ERROR, text: "user not found: bob" },
    rules: "pass",
  },
  {
    name: "ERROR with an empty text",
    hex: "01 | 0000",
    packet: { opcode: Opcode.ERROR, text: "" },
    rules: "pass",
  },
  {
    name: "REGISTER alice",
    hex: "0b | 0005 | 616c696365",
    packet: { opcode: Opcode.REGISTER, name: "alice" },
    rules: "pass",
  },
  {
    name: "REGISTER with a 2-byte character (LENGTH counts bytes)",
    hex: "0b | 0005 | 4a6f73c3a9",
    packet: { opcode: Opcode.REGISTER, name: "José" },
    rules: "pass",
  },
  {
    name: "REGISTER with a 32-byte name of 16 × é",
    hex: frame(Opcode.REGISTER, utf8("é".repeat(16))),
    packet: { opcode: Opcode.REGISTER, name: "é".repeat(16) },
    rules: "pass",
  },
  {
    name: "REGISTER with a space: well formed, but the name rules refuse it",
    hex: "0b | 0003 | 612062",
    packet: { opcode: Opcode.REGISTER, name: "a b" },
    rules: "fail",
  },
  { name: "LOGOUT", hex: "0c | 0000", packet: { opcode: Opcode.LOGOUT }, rules: "pass" },
  {
    name: "BROADCAST hi",
    hex: "14 | 0002 | 6869",
    packet: { opcode: Opcode.BROADCAST, message: "hi" },
    rules: "pass",
  },
  {
    name: "BROADCAST with multi-byte text and an emoji",
    hex: "14 | 000b | 68c3a96c6c6f20f09f918b",
    packet: { opcode: Opcode.BROADCAST, message: "héllo 👋" },
    rules: "pass",
  },
  {
    name: "BROADCAST with TAB and LF",
    hex: "14 | 0005 | 61 09 62 0a 63",
    packet: { opcode: Opcode.BROADCAST, message: "a\tb\nc" },
    rules: "pass",
  },
  {
    name: "BROADCAST of exactly 1,024 bytes, the default ceiling",
    hex: frame(Opcode.BROADCAST, "61".repeat(1024)),
    packet: { opcode: Opcode.BROADCAST, message: "a".repeat(1024) },
    rules: "pass",
  },
  {
    name: "BROADCAST with ESC: well formed, but the message rules refuse it",
    hex: "14 | 0004 | 1b 5b 32 4a",
    packet: { opcode: Opcode.BROADCAST, message: "\u001b[2J" },
    rules: "fail",
  },
  {
    name: "BROADCAST_FWD sender NUL message",
    hex: "15 | 0006 | 626f62 00 6869",
    packet: { opcode: Opcode.BROADCAST_FWD, sender: "bob", message: "hi" },
    rules: "pass",
  },
  {
    name: "BROADCAST_FWD from a multi-byte sender",
    hex: "15 | 000b | e697a5e69cac 00 f09f9880",
    packet: { opcode: Opcode.BROADCAST_FWD, sender: "日本", message: "😀" },
    rules: "pass",
  },
  {
    name: "PRIVATE receiver NUL message",
    hex: "16 | 0007 | 626f62 00 686579",
    packet: { opcode: Opcode.PRIVATE, receiver: "bob", message: "hey" },
    rules: "pass",
  },
  {
    name: "PRIVATE splits at the first NUL: the message keeps the second (the message rules refuse it)",
    hex: "16 | 0007 | 626f62 00 61 00 62",
    packet: { opcode: Opcode.PRIVATE, receiver: "bob", message: "a\0b" },
    rules: "fail",
  },
  {
    name: "PRIVATE_FWD sender NUL message",
    hex: "17 | 0009 | 616c696365 00 686579",
    packet: { opcode: Opcode.PRIVATE_FWD, sender: "alice", message: "hey" },
    rules: "pass",
  },
  {
    name: "INFO_REQUEST",
    hex: "28 | 0000",
    packet: { opcode: Opcode.INFO_REQUEST },
    rules: "pass",
  },
  {
    name: "INFO_RESPONSE with date and version",
    hex: "29 | 0026 | 323032362d31312d32365430353a34303a30305a20636861742d7365727665722f312e302e30",
    packet: { opcode: Opcode.INFO_RESPONSE, text: "2026-11-26T05:40:00Z chat-server/1.0.0" },
    rules: "pass",
  },
  {
    name: "LIST_REQUEST",
    hex: "2a | 0000",
    packet: { opcode: Opcode.LIST_REQUEST },
    rules: "pass",
  },
  {
    name: "LIST_RESPONSE of four names, no trailing NUL",
    hex: "2b | 0011 | 616c696365 00 626f62 00 5a6fc3ab 00 4a6f",
    packet: { opcode: Opcode.LIST_RESPONSE, names: ["alice", "bob", "Zoë", "Jo"] },
    rules: "pass",
  },
  {
    name: "LIST_RESPONSE of one name",
    hex: "2b | 0005 | 6361726f6c",
    packet: { opcode: Opcode.LIST_RESPONSE, names: ["carol"] },
    rules: "pass",
  },
  {
    name: "LIST_RESPONSE of no names is LENGTH 0",
    hex: "2b | 0000",
    packet: { opcode: Opcode.LIST_RESPONSE, names: [] },
    rules: "pass",
  },
  ...addressCheckValid,
];

export const invalid: InvalidVector[] = [
  malformed("empty datagram", "", "TRUNCATED"),
  malformed("1 byte", "14", "TRUNCATED"),
  malformed("2 bytes", "14 00", "TRUNCATED"),
  malformed("DATA shorter than LENGTH", "14 | 0005 | 6869", "TRUNCATED"),
  malformed("DATA longer than LENGTH", "14 | 0001 | 6869", "TRAILING_BYTES"),
  malformed("a byte after an empty OK", "00 | 0000 | ff", "TRAILING_BYTES"),
  malformed("LENGTH read little-endian by mistake", "14 | 0200 | 6869", "TRUNCATED"),
  malformed("OK with DATA", "00 | 0001 | 78", "UNEXPECTED_DATA", "toClient"),
  malformed("LOGOUT with DATA", "0c | 0001 | 78", "UNEXPECTED_DATA", "toServer"),
  malformed("INFO_REQUEST with DATA", "28 | 0002 | 7878", "UNEXPECTED_DATA", "toServer"),
  malformed("LIST_REQUEST with DATA", "2a | 0001 | 00", "UNEXPECTED_DATA", "toServer"),
  malformed("BROADCAST_FWD without NUL", "15 | 0005 | 626f626869", "MISSING_SEPARATOR", "toClient"),
  malformed("PRIVATE without NUL", "16 | 0005 | 626f626869", "MISSING_SEPARATOR", "toServer"),
  malformed("PRIVATE with empty DATA", "16 | 0000", "MISSING_SEPARATOR", "toServer"),
  malformed("PRIVATE_FWD without NUL", "17 | 0003 | 616263", "MISSING_SEPARATOR", "toClient"),
  malformed(
    "LIST_RESPONSE with a leading NUL",
    "2b | 0004 | 00 626f62",
    "EMPTY_LIST_ENTRY",
    "toClient",
  ),
  malformed(
    "LIST_RESPONSE with a trailing NUL",
    "2b | 0004 | 626f62 00",
    "EMPTY_LIST_ENTRY",
    "toClient",
  ),
  malformed(
    "LIST_RESPONSE with a doubled NUL",
    "2b | 0007 | 626f62 00 00 6576",
    "EMPTY_LIST_ENTRY",
    "toClient",
  ),
  malformed("LIST_RESPONSE of a lone NUL", "2b | 0001 | 00", "EMPTY_LIST_ENTRY", "toClient"),
  unknown("opcode 99", "63 | 0000", 99, "any"),
  unknown("opcode 2", "02 | 0000", 2, "toServer"),
  unknown("opcode 255 with DATA", "ff | 0001 | 00", 255, "toClient"),
  unknown("OK sent to a server", "00 | 0000", 0, "toServer"),
  unknown("ERROR sent to a server", "01 | 0001 | 78", 1, "toServer"),
  unknown(
    "BROADCAST_FWD sent to a server, even without its NUL",
    "15 | 0002 | 6869",
    21,
    "toServer",
  ),
  unknown("PRIVATE_FWD sent to a server", "17 | 0004 | 61 00 6869", 23, "toServer"),
  unknown("INFO_RESPONSE sent to a server", "29 | 0000", 41, "toServer"),
  unknown("LIST_RESPONSE sent to a server", "2b | 0001 | 61", 43, "toServer"),
  unknown("REGISTER sent to a client", "0b | 0001 | 61", 11, "toClient"),
  unknown("LIST_REQUEST sent to a client", "2a | 0000", 42, "toClient"),
  malformed(
    "size is checked before opcode: truncated opcode 99",
    "63 | 0005 | 00",
    "TRUNCATED",
    "toServer",
  ),
  {
    name: "REGISTER with an overlong encoding",
    hex: "0b | 0002 | c080",
    direction: "toServer",
    code: "INVALID_UTF8",
    errorTextPrefix: NAME_INVALID,
  },
  {
    name: "PRIVATE to a receiver with a UTF-8 surrogate",
    hex: "16 | 0006 | eda080 00 6869",
    direction: "toServer",
    code: "INVALID_UTF8",
    errorTextPrefix: NAME_INVALID,
  },
  {
    name: "PRIVATE with a truncated sequence in the message",
    hex: "16 | 0005 | 62 00 68 e282",
    direction: "toServer",
    code: "INVALID_UTF8",
    errorTextPrefix: MESSAGE_INVALID,
  },
  {
    name: "BROADCAST with a lone continuation byte",
    hex: "14 | 0002 | 80 61",
    direction: "toServer",
    code: "INVALID_UTF8",
    errorTextPrefix: MESSAGE_INVALID,
  },
  {
    name: "BROADCAST_FWD with a code point past U+10FFFF",
    hex: "15 | 0006 | 61 00 f4908080",
    direction: "toClient",
    code: "INVALID_UTF8",
    errorTextPrefix: MESSAGE_INVALID,
  },
  {
    name: "LIST_RESPONSE with an invalid name",
    hex: "2b | 0004 | 61 00 ff 62",
    direction: "toClient",
    code: "INVALID_UTF8",
    errorTextPrefix: NAME_INVALID,
  },
  malformed("ERROR whose text is not UTF-8", "01 | 0003 | e080af", "INVALID_UTF8", "toClient"),
  malformed("INFO_RESPONSE whose text is not UTF-8", "29 | 0001 | c2", "INVALID_UTF8", "toClient"),
  ...addressCheckInvalid,
];

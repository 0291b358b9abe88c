import { Opcode } from "../../src/opcodes.js";
import { frame, type InvalidVector, utf8, type ValidVector } from "./types.js";

/*
 * Revision 3, the address check (docs/protocol.md, Revision 3): `REGISTER name 0x00 cookie`,
 * the challenge ERROR `address check: <token>`, and the session token a checked endpoint's
 * LOGOUT, LIST_REQUEST, BROADCAST and PRIVATE end in. A cookie is 0 to 64 printable ASCII
 * bytes (0x21-0x7E), a token 16 to 64. Bytes after the last NUL that have neither form stay
 * where the RFC puts them: in the name or message (whose rules refuse a NUL), or in the DATA
 * of a LOGOUT or LIST_REQUEST (malformed). `rfc` says how an RFC reader takes the same bytes.
 */

/** A 30-byte token, of the form our server mints (`<window>.<mac>`); any printable ASCII does. */
const TOKEN = "Qx7.mT4qLw0RbN7yHs1cEuXk9pZ2vD";
const TOKEN_HEX = "5178372e6d5434714c773052624e3779487331634575586b39705a327644";
/** One byte short of a token: 15 printable bytes. */
const SHORT = "abcdefghijklmno";
const SHORT_HEX = "6162636465666768696a6b6c6d6e6f";
const MALFORMED = "malformed packet: ";

export const addressCheckValid: ValidVector[] = [
  {
    name: "REGISTER alice with an empty cookie: asks for a token",
    hex: "0b | 0006 | 616c696365 00",
    packet: { opcode: Opcode.REGISTER, name: "alice", cookie: "" },
    rules: "pass",
    // An RFC server refuses the name (it holds a NUL): the client falls back to a plain REGISTER.
    rfc: { packet: { opcode: Opcode.REGISTER, name: "alice\0" }, rules: "fail" },
  },
  {
    name: "REGISTER alice with a 30-byte cookie, the token of a challenge",
    hex: `0b | 0024 | 616c696365 00 ${TOKEN_HEX}`,
    packet: { opcode: Opcode.REGISTER, name: "alice", cookie: TOKEN },
    rules: "pass",
    rfc: { packet: { opcode: Opcode.REGISTER, name: `alice\0${TOKEN}` }, rules: "fail" },
  },
  {
    name: "REGISTER with a 64-byte cookie, the longest",
    hex: frame(Opcode.REGISTER, `626f62 00 ${"7e".repeat(64)}`),
    packet: { opcode: Opcode.REGISTER, name: "bob", cookie: "~".repeat(64) },
    rules: "pass",
    rfc: { packet: { opcode: Opcode.REGISTER, name: `bob\0${"~".repeat(64)}` }, rules: "fail" },
  },
  {
    name: "REGISTER with a 65-byte tail: no cookie, the name holds a NUL (the name rules refuse it)",
    hex: frame(Opcode.REGISTER, `626f62 00 ${"7e".repeat(65)}`),
    packet: { opcode: Opcode.REGISTER, name: `bob\0${"~".repeat(65)}` },
    rules: "fail",
  },
  {
    name: "REGISTER with a space after the NUL: no cookie, the name holds a NUL",
    hex: "0b | 0007 | 626f62 00 61 20 62",
    packet: { opcode: Opcode.REGISTER, name: "bob\0a b" },
    rules: "fail",
  },
  {
    name: "LOGOUT with a token",
    hex: `0c | 001e | ${TOKEN_HEX}`,
    packet: { opcode: Opcode.LOGOUT, token: TOKEN },
    rules: "pass",
    rfc: { code: "UNEXPECTED_DATA", errorTextPrefix: MALFORMED },
  },
  {
    name: "LIST_REQUEST with a token",
    hex: `2a | 001e | ${TOKEN_HEX}`,
    packet: { opcode: Opcode.LIST_REQUEST, token: TOKEN },
    rules: "pass",
    rfc: { code: "UNEXPECTED_DATA", errorTextPrefix: MALFORMED },
  },
  {
    name: "LIST_REQUEST with a 16-byte token, the shortest",
    hex: `2a | 0010 | ${utf8("0123456789abcdef")}`,
    packet: { opcode: Opcode.LIST_REQUEST, token: "0123456789abcdef" },
    rules: "pass",
    rfc: { code: "UNEXPECTED_DATA", errorTextPrefix: MALFORMED },
  },
  {
    name: "BROADCAST hi NUL token",
    hex: `14 | 0021 | 6869 00 ${TOKEN_HEX}`,
    packet: { opcode: Opcode.BROADCAST, message: "hi", token: TOKEN },
    rules: "pass",
    rfc: { packet: { opcode: Opcode.BROADCAST, message: `hi\0${TOKEN}` }, rules: "fail" },
  },
  {
    name: "BROADCAST of an empty message with a token: the message rules refuse it",
    hex: `14 | 001f | 00 ${TOKEN_HEX}`,
    packet: { opcode: Opcode.BROADCAST, message: "", token: TOKEN },
    rules: "fail",
    rfc: { packet: { opcode: Opcode.BROADCAST, message: `\0${TOKEN}` }, rules: "fail" },
  },
  {
    name: "BROADCAST with a 15-byte tail: no token, the message holds a NUL (the rules refuse it)",
    hex: `14 | 0012 | 6869 00 ${SHORT_HEX}`,
    packet: { opcode: Opcode.BROADCAST, message: `hi\0${SHORT}` },
    rules: "fail",
  },
  {
    name: "BROADCAST with a TAB in the tail: no token, the message holds a NUL",
    hex: `14 | 0014 | 6869 00 ${utf8("abcdefgh\tijklmnop")}`,
    packet: { opcode: Opcode.BROADCAST, message: "hi\0abcdefgh\tijklmnop" },
    rules: "fail",
  },
  {
    name: "PRIVATE bob NUL hey NUL token",
    hex: `16 | 0026 | 626f62 00 686579 00 ${TOKEN_HEX}`,
    packet: { opcode: Opcode.PRIVATE, receiver: "bob", message: "hey", token: TOKEN },
    rules: "pass",
    rfc: {
      packet: { opcode: Opcode.PRIVATE, receiver: "bob", message: `hey\0${TOKEN}` },
      rules: "fail",
    },
  },
  {
    name: "PRIVATE with one NUL: what follows is the message, even in a token's form",
    hex: `16 | 0022 | 626f62 00 ${TOKEN_HEX}`,
    packet: { opcode: Opcode.PRIVATE, receiver: "bob", message: TOKEN },
    rules: "pass",
  },
  {
    name: "PRIVATE with a 15-byte tail: no token, the message holds a NUL",
    hex: `16 | 0017 | 626f62 00 686579 00 ${SHORT_HEX}`,
    packet: { opcode: Opcode.PRIVATE, receiver: "bob", message: `hey\0${SHORT}` },
    rules: "fail",
  },
  {
    name: "ERROR address check: the challenge, its token after the exact prefix",
    hex: `01 | 002d | ${utf8("address check: ")} ${TOKEN_HEX}`,
    packet: { opcode: Opcode.ERROR, text: `address check: ${TOKEN}` },
    rules: "pass",
  },
];

const unexpected = (name: string, hex: string): InvalidVector => ({
  name,
  hex,
  direction: "toServer",
  code: "UNEXPECTED_DATA",
  errorTextPrefix: MALFORMED,
});

export const addressCheckInvalid: InvalidVector[] = [
  unexpected("LOGOUT with 15 printable bytes, one short of a token", `0c | 000f | ${SHORT_HEX}`),
  unexpected(
    "LOGOUT with 65 printable bytes, one past a token",
    frame(Opcode.LOGOUT, "7e".repeat(65)),
  ),
  unexpected("LOGOUT with a NUL before a token", `0c | 001f | 00 ${TOKEN_HEX}`),
  unexpected("LIST_REQUEST with a space in a token", `2a | 0011 | ${utf8("01234567 89abcdef")}`),
  unexpected("INFO_REQUEST with a token: only four packets carry one", `28 | 001e | ${TOKEN_HEX}`),
  {
    name: "REGISTER with a cookie after an overlong encoding: the cookie hides no bad name",
    hex: `0b | 0021 | c080 00 ${TOKEN_HEX}`,
    direction: "toServer",
    code: "INVALID_UTF8",
    errorTextPrefix: "username is invalid: ",
  },
];

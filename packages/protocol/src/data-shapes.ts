import { isCookieBytes, isTokenBytes, MAX_COOKIE_BYTES } from "./address-check.js";
import {
  EncodeError,
  FrameRefusal,
  malformed,
  messageInvalid,
  NOT_VALID_UTF8,
  nameInvalid,
  orThrow,
} from "./errors.js";
import { HEADER_BYTES, NUL } from "./limits.js";
import { assertMessage, assertName } from "./text.js";
import { decodeUtf8 } from "./utf8.js";

/*
 * The four shapes a CHAT UDP DATA field takes (docs/protocol.md#1-framing): empty, one text,
 * name NUL message, and a NUL-separated list of names. Each shape knows, for the field names
 * a packet gives it, how to write the DATA, read it as strings (`decode`), read it as byte
 * views into the datagram (`frame`, a server's path), and apply the text rules (`validate`).
 * The packet table (packets.ts) gives every opcode one of them.
 */

/** A packet's fields, opcode aside, as the codec handles them generically. */
export type Fields = { readonly [key: string]: unknown };

export interface DataShape {
  /** Which shape; it also keeps the classes apart for `FieldsOf`, which types the packets. */
  readonly shape: "empty" | "one" | "pair" | "list";
  /** The DATA as a string that UTF-8 encodes to exactly what `decode` reads back. */
  encode(packet: Fields): string;
  /** The packet, text decoded; throws ProtocolError. The header has been checked. */
  decode(bytes: Uint8Array, opcode: number): Fields;
  /** The packet, text as views into `bytes`, or why its DATA is refused; never throws. */
  frame(bytes: Uint8Array, opcode: number): Fields | FrameRefusal;
  /** The name and message rules, receiver before message; throws ProtocolError. */
  validate(packet: Fields, maxMessageBytes: number | undefined): void;
}

/** How a text field is read: which error bad UTF-8 gets and which rules apply. */
type TextKind = "name" | "message" | "text";

class Empty implements DataShape {
  readonly shape = "empty";
  encode(): string {
    return "";
  }
  decode(bytes: Uint8Array, opcode: number): { opcode: number } {
    return orThrow(this.frame(bytes, opcode));
  }
  frame(bytes: Uint8Array, opcode: number): { opcode: number } | FrameRefusal {
    const length = bytes.length - HEADER_BYTES;
    if (length > 0) {
      return malformed(
        "UNEXPECTED_DATA",
        `opcode ${opcode} carries no DATA but LENGTH is ${length}`,
      );
    }
    return { opcode };
  }
  validate(): void {}
}

/*
 * The packet objects are built by functions with literal keys, one per field name: V8 makes
 * `{ opcode, text }` several times faster than `{ opcode, [key]: value }` (about 15 against
 * 140 ns), and decodeFrame runs once per datagram. A new field name needs a line here; the
 * compiler asks for it.
 */
const ONE = {
  text: <T>(opcode: number, text: T) => ({ opcode, text }),
  name: <T>(opcode: number, name: T) => ({ opcode, name }),
  message: <T>(opcode: number, message: T) => ({ opcode, message }),
};
const PAIR = {
  sender: <T>(opcode: number, sender: T, message: T) => ({ opcode, sender, message }),
  receiver: <T>(opcode: number, receiver: T, message: T) => ({ opcode, receiver, message }),
};
const LIST = {
  names: <T>(opcode: number, names: T[]) => ({ opcode, names }),
};

class One<K extends keyof typeof ONE> implements DataShape {
  readonly shape = "one";
  readonly make: (typeof ONE)[K];
  constructor(
    readonly key: K,
    readonly kind: TextKind,
  ) {
    this.make = ONE[key];
  }
  encode(packet: Record<K, string>): string {
    return wellFormed(packet[this.key], this.key);
  }
  decode(bytes: Uint8Array, opcode: number): Fields {
    return this.make(opcode, text(bytes, HEADER_BYTES, bytes.length, this.kind));
  }
  frame(bytes: Uint8Array, opcode: number): Fields {
    return this.make(opcode, bytes.subarray(HEADER_BYTES));
  }
  validate(packet: Record<K, string>, maxMessageBytes: number | undefined): void {
    if (this.kind === "name") assertName(packet[this.key]);
    else if (this.kind === "message") assertMessage(packet[this.key], maxMessageBytes);
  }
}

/** `name NUL message`, split at the first NUL: the message may hold more (its rules refuse them). */
class Pair<N extends keyof typeof PAIR> implements DataShape {
  readonly shape = "pair";
  readonly make: (typeof PAIR)[N];
  constructor(readonly name: N) {
    this.make = PAIR[name];
  }
  encode(packet: Record<N | "message", string>): string {
    return `${withoutNul(packet[this.name], this.name)}\0${wellFormed(packet.message, "message")}`;
  }
  decode(bytes: Uint8Array, opcode: number): Fields {
    const at = orThrow(separatorAt(bytes, this.name));
    const name = text(bytes, HEADER_BYTES, at, "name");
    return this.make(opcode, name, text(bytes, at + 1, bytes.length, "message"));
  }
  frame(bytes: Uint8Array, opcode: number): Fields | FrameRefusal {
    const at = separatorAt(bytes, this.name);
    if (typeof at !== "number") return at;
    return this.make(opcode, bytes.subarray(HEADER_BYTES, at), bytes.subarray(at + 1));
  }
  validate(packet: Record<N | "message", string>, maxMessageBytes: number | undefined): void {
    assertName(packet[this.name]);
    assertMessage(packet.message, maxMessageBytes);
  }
}

/** Names joined by NUL: no trailing NUL, no empty entry, the empty list is LENGTH 0. */
class List<K extends keyof typeof LIST> implements DataShape {
  readonly shape = "list";
  readonly make: (typeof LIST)[K];
  constructor(readonly key: K) {
    this.make = LIST[key];
  }
  encode(packet: Record<K, readonly string[]>): string {
    const names = packet[this.key];
    for (let i = 0; i < names.length; i++) {
      const name = names[i] as string;
      if (name.length === 0) throw new EncodeError("EMPTY_LIST_ENTRY", `list entry ${i} is empty`);
      withoutNul(name, `list entry ${i}`);
    }
    // NUL is not a surrogate, so the joined string is well formed when every entry is.
    return names.join("\0");
  }
  decode(bytes: Uint8Array, opcode: number): Fields {
    orThrow(checkList(bytes));
    // A list is valid UTF-8 exactly when each entry is (NUL never sits inside a
    // multi-byte sequence), so decode it once and split, rather than once per name.
    const all = text(bytes, HEADER_BYTES, bytes.length, "name");
    return this.make(opcode, all.length === 0 ? [] : all.split("\0"));
  }
  frame(bytes: Uint8Array, opcode: number): Fields | FrameRefusal {
    return checkList(bytes) ?? this.make(opcode, listViews(bytes));
  }
  validate(packet: Record<K, readonly string[]>): void {
    for (const name of packet[this.key]) assertName(name);
  }
}

/**
 * Revision 3 (docs/protocol.md#revision-3-the-address-check): an optional cookie or token after
 * the packet's own DATA. It is there only when the bytes after the last NUL (the whole DATA of
 * an empty-shaped packet) have its form: printable ASCII, 16 to 64 bytes for a token, 0 to 64
 * for a REGISTER's cookie. Anything else stays where an RFC reader puts it, so a plain packet
 * reads exactly as before and a name or message holding a NUL is still refused by its rules.
 */
class Tokened<S extends Empty | One<keyof typeof ONE> | Pair<keyof typeof PAIR>, K extends TokenKey>
  implements DataShape
{
  readonly shape: S["shape"];
  constructor(
    readonly inner: S,
    readonly key: K,
  ) {
    this.shape = inner.shape;
  }
  encode(packet: Fields): string {
    const data = this.inner.encode(packet as never);
    const token = packet[this.key];
    if (token === undefined) {
      // A name or message holding a NUL could read back as one with a token: refuse it. (Only
      // a DATA with a NUL can: the common case costs one scan, no datagram.)
      if (!data.includes("\0")) return data;
      const datagram = Buffer.from(`\0\0\0${data}`, "utf8");
      if (tokenAt(this.inner.shape, this.key, datagram) !== undefined) {
        throw new EncodeError(
          "FIELD_CONTAINS_NUL",
          `a NUL in the DATA would end it in a ${this.key}`,
        );
      }
      return data;
    }
    if (typeof token !== "string" || !fits(this.key, Buffer.from(token, "latin1"))) {
      const form = this.key === "cookie" ? "0 to 64" : "16 to 64";
      throw new EncodeError("INVALID_TOKEN", `${this.key} is not ${form} printable ASCII bytes`);
    }
    return this.inner.shape === "empty" ? token : `${data}\0${token}`;
  }
  decode(bytes: Uint8Array, opcode: number): Fields {
    const at = tokenAt(this.inner.shape, this.key, bytes);
    if (at === undefined) return this.inner.decode(bytes, opcode);
    const fields = this.inner.decode(bytes.subarray(0, dataEnd(this.inner.shape, at)), opcode);
    const token = Buffer.from(bytes.buffer, bytes.byteOffset + at, bytes.length - at);
    return withField(fields, this.key, token.toString("latin1"));
  }
  frame(bytes: Uint8Array, opcode: number): Fields | FrameRefusal {
    const at = tokenAt(this.inner.shape, this.key, bytes);
    if (at === undefined) return this.inner.frame(bytes, opcode);
    const fields = this.inner.frame(bytes.subarray(0, dataEnd(this.inner.shape, at)), opcode);
    if (fields instanceof FrameRefusal) return fields;
    return withField(fields, this.key, bytes.subarray(at));
  }
  validate(packet: Fields, maxMessageBytes: number | undefined): void {
    this.inner.validate(packet as never, maxMessageBytes);
  }
}

/** Where a datagram's token starts, or undefined when its DATA ends in none. */
function tokenAt(shape: DataShape["shape"], key: TokenKey, bytes: Uint8Array): number | undefined {
  const end = bytes.length;
  if (shape === "empty") {
    return end > HEADER_BYTES && fits(key, bytes, HEADER_BYTES, end) ? HEADER_BYTES : undefined;
  }
  // Only a NUL in the last 65 bytes can start a cookie or token (64 bytes at most), so a
  // long message without one is not scanned whole; nor is the header, whose LENGTH may
  // hold a 0x00 that is none of the DATA's.
  const nul = lastNulWithin(bytes, Math.max(HEADER_BYTES, end - MAX_COOKIE_BYTES - 1));
  if (nul < 0) return undefined;
  // A PRIVATE's first NUL ends the receiver: a token follows a second one.
  if (shape === "pair" && bytes.indexOf(NUL, HEADER_BYTES) === nul) return undefined;
  return fits(key, bytes, nul + 1, end) ? nul + 1 : undefined;
}

/** The index of the last NUL at or after `from`, or -1. */
function lastNulWithin(bytes: Uint8Array, from: number): number {
  for (let i = bytes.length - 1; i >= from; i--) if (bytes[i] === NUL) return i;
  return -1;
}

/** Where the packet's own DATA ends: before the token's NUL (an empty DATA has none). */
function dataEnd(shape: DataShape["shape"], tokenAt: number): number {
  return shape === "empty" ? HEADER_BYTES : tokenAt - 1;
}

function fits(key: TokenKey, bytes: Uint8Array, start = 0, end = bytes.length): boolean {
  return key === "cookie" ? isCookieBytes(bytes, start, end) : isTokenBytes(bytes, start, end);
}

function withField(fields: Fields, key: TokenKey, value: unknown): Fields {
  (fields as Record<string, unknown>)[key] = value;
  return fields;
}

type TokenKey = "cookie" | "token";

/** No DATA. */
export const empty = new Empty();
/** One name (its rules, `username is invalid` for bad UTF-8). */
export const name = <K extends keyof typeof ONE>(key: K) => new One(key, "name");
/** One message (its rules, `message is invalid` for bad UTF-8). */
export const message = <K extends keyof typeof ONE>(key: K) => new One(key, "message");
/** One free text, only strict UTF-8 (`malformed packet` otherwise). */
export const freeText = <K extends keyof typeof ONE>(key: K) => new One(key, "text");
/** A name (`sender` or `receiver`), NUL, a message. */
export const nameAndMessage = <N extends keyof typeof PAIR>(key: N) => new Pair(key);
/** A list of names. */
export const names = <K extends keyof typeof LIST>(key: K) => new List(key);
/** A REGISTER's name with its optional cookie (revision 3). */
export const withCookie = <S extends One<keyof typeof ONE>>(inner: S) =>
  new Tokened(inner, "cookie");
/** A checked endpoint's packet with its optional session token (revision 3). */
export const withToken = <S extends Empty | One<keyof typeof ONE> | Pair<keyof typeof PAIR>>(
  inner: S,
) => new Tokened(inner, "token");

/** The packet fields a shape stands for, as strings: what `Packet` is derived from. */
export type FieldsOf<S> =
  S extends Tokened<infer I, infer T>
    ? FieldsOf<I> & { [P in T]?: string }
    : S extends One<infer K>
      ? { [P in K]: string }
      : S extends Pair<infer N>
        ? { [P in N | "message"]: string }
        : S extends List<infer K>
          ? { [P in K]: string[] }
          : unknown;

function text(bytes: Uint8Array, start: number, end: number, kind: TextKind): string {
  if (start === end) return "";
  const decoded = decodeUtf8(bytes.subarray(start, end));
  if (decoded !== undefined) return decoded;
  if (kind === "name") throw nameInvalid(NOT_VALID_UTF8);
  if (kind === "message") throw messageInvalid(NOT_VALID_UTF8);
  throw malformed("INVALID_UTF8", "text is not valid UTF-8").toError();
}

function wellFormed(value: string, what: string): string {
  if (!value.isWellFormed())
    throw new EncodeError("LONE_SURROGATE", `${what} has a lone surrogate`);
  return value;
}

function withoutNul(value: string, what: string): string {
  if (value.includes("\0")) throw new EncodeError("FIELD_CONTAINS_NUL", `${what} contains NUL`);
  return wellFormed(value, what);
}

/** Index in the datagram of the first NUL of a two-part DATA. */
function separatorAt(bytes: Uint8Array, first: string): number | FrameRefusal {
  const at = bytes.indexOf(NUL, HEADER_BYTES);
  if (at < 0) return malformed("MISSING_SEPARATOR", `no NUL between ${first} and message`);
  return at;
}

/** Refuses a list with an empty entry: a leading, trailing or doubled NUL. */
function checkList(bytes: Uint8Array): FrameRefusal | undefined {
  const end = bytes.length;
  let start = HEADER_BYTES;
  while (start < end) {
    const at = bytes.indexOf(NUL, start);
    if (at === start) return emptyEntry(start);
    if (at < 0) return undefined;
    start = at + 1;
    if (start === end) return emptyEntry(start);
  }
  return undefined;
}

function emptyEntry(at: number) {
  return malformed("EMPTY_LIST_ENTRY", `empty name at byte ${at - HEADER_BYTES} of the list`);
}

/** The entries of a list already checked by `checkList`. */
function listViews(bytes: Uint8Array): Uint8Array[] {
  const entries: Uint8Array[] = [];
  const end = bytes.length;
  let start = HEADER_BYTES;
  while (start < end) {
    const at = bytes.indexOf(NUL, start);
    const stop = at < 0 ? end : at;
    entries.push(bytes.subarray(start, stop));
    start = stop + 1;
  }
  return entries;
}

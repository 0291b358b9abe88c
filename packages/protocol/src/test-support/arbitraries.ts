import fc from "fast-check";
import { encode } from "../encode.js";
import { MAX_DATAGRAM_BYTES } from "../limits.js";
import { Opcode } from "../opcodes.js";
import type { Packet } from "../packets.js";

/** Characters that make text interesting at the byte level: 1- to 4-byte UTF-8, NUL, controls. */
const TRICKY = [
  "\0",
  "\t",
  "\n",
  "\r",
  "\u001b",
  "\u007f",
  "\u0085",
  "\u00a0",
  "é",
  "e\u0301",
  "€",
  "日",
  "\u200b",
  "\u202e",
  "\ufeff",
  "\ufffd",
  "😀",
  "👋🏽",
  "🇮🇹",
  "\u{10ffff}",
];

/** Any well-formed text (no lone surrogates), including NUL, controls, emoji. */
export const anyText = (maxLength = 40) =>
  fc.string({
    unit: fc.oneof(
      { weight: 3, arbitrary: fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 }) },
      { weight: 2, arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 1 }) },
      { weight: 1, arbitrary: fc.constantFrom(...TRICKY) },
    ),
    maxLength,
  });

/** Text that can sit before a separator: anything but NUL. */
export const textWithoutNul = (minLength = 0) =>
  anyText()
    .map((text) => text.replaceAll("\0", ""))
    .filter((text) => text.length >= minLength);

/** Names that pass the name rules: letters of several scripts, digits, marks and emoji. */
export const validName = fc
  .string({
    unit: fc.constantFrom(
      ..."abcxyzABCXYZ0189_-.'",
      "é",
      "ß",
      "Ω",
      "ж",
      "日",
      "本",
      "한",
      "ا",
      "😀",
      "🇮🇹",
      "e\u0301",
      "Ａ",
    ),
    minLength: 1,
    maxLength: 12,
  })
  .filter(
    (name) => Buffer.byteLength(name) <= 32 && Buffer.byteLength(name.normalize("NFC")) <= 32,
  );

/** Messages that pass the message rules at the default ceiling. */
export const validMessage = fc
  .string({
    unit: fc.oneof(
      fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 }),
      fc.constantFrom("\t", "\n", " ", "é", "😀", "\u00a0", "\u200b"),
    ),
    minLength: 1,
    maxLength: 60,
  })
  .filter((message) => !/[\p{Cc}]/u.test(message.replace(/[\t\n]/g, "")));

/** A REGISTER's cookie (revision 3): 0 to 64 printable ASCII bytes. */
const cookie = fc.string({
  unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
  maxLength: 64,
});
/** A session token: 16 to 64 printable ASCII bytes. */
const token = fc.string({
  unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
  minLength: 16,
  maxLength: 64,
});

/** Adds the optional trailing field to some packets; drops the few that `encode` refuses. */
function withOptional<P extends Packet>(
  packets: fc.Arbitrary<P>,
  key: "cookie" | "token",
  values: fc.Arbitrary<string>,
): fc.Arbitrary<Packet> {
  return fc
    .tuple(packets, fc.option(values, { nil: undefined }))
    .map(([packet, value]) => (value === undefined ? packet : { ...packet, [key]: value }))
    .filter(encodable);
}

/** A NUL in a name or message can read back as the start of a cookie or token. */
function encodable(packet: Packet): boolean {
  try {
    encode(packet);
    return true;
  } catch {
    return false;
  }
}

/** One arbitrary per packet kind, each producing packets that `encode` accepts. */
export const packetArbitraries: Record<string, fc.Arbitrary<Packet>> = {
  OK: fc.constant({ opcode: Opcode.OK }),
  ERROR: anyText().map((text) => ({ opcode: Opcode.ERROR, text })),
  REGISTER: withOptional(
    anyText().map((name) => ({ opcode: Opcode.REGISTER, name })),
    "cookie",
    cookie,
  ),
  LOGOUT: withOptional(fc.constant({ opcode: Opcode.LOGOUT }), "token", token),
  BROADCAST: withOptional(
    anyText().map((message) => ({ opcode: Opcode.BROADCAST, message })),
    "token",
    token,
  ),
  BROADCAST_FWD: fc
    .record({ sender: textWithoutNul(), message: anyText() })
    .map((fields) => ({ opcode: Opcode.BROADCAST_FWD, ...fields })),
  PRIVATE: withOptional(
    fc
      .record({ receiver: textWithoutNul(), message: anyText() })
      .map((fields) => ({ opcode: Opcode.PRIVATE, ...fields })),
    "token",
    token,
  ),
  PRIVATE_FWD: fc
    .record({ sender: textWithoutNul(), message: anyText() })
    .map((fields) => ({ opcode: Opcode.PRIVATE_FWD, ...fields })),
  INFO_REQUEST: fc.constant({ opcode: Opcode.INFO_REQUEST }),
  INFO_RESPONSE: anyText().map((text) => ({ opcode: Opcode.INFO_RESPONSE, text })),
  LIST_REQUEST: withOptional(fc.constant({ opcode: Opcode.LIST_REQUEST }), "token", token),
  LIST_RESPONSE: fc
    .array(textWithoutNul(1), { maxLength: 12 })
    .map((names) => ({ opcode: Opcode.LIST_RESPONSE, names })),
};

export const anyPacket: fc.Arbitrary<Packet> = fc.oneof(...Object.values(packetArbitraries));

const KNOWN_OPCODES = Object.values(Opcode) as number[];
const opcodeByte = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...KNOWN_OPCODES) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 255 }) },
);
/** Bytes biased toward the ones that matter to the parser: NUL, ASCII, UTF-8 lead bytes. */
const interestingByte = fc.oneof(
  fc.constantFrom(
    0x00,
    0x00,
    0x0a,
    0x1b,
    0x7f,
    0x80,
    0xbf,
    0xc0,
    0xc2,
    0xe0,
    0xed,
    0xf0,
    0xf4,
    0xff,
  ),
  fc.integer({ min: 0x20, max: 0x7e }),
  fc.integer({ min: 0, max: 255 }),
);
const dataBytes = (maxLength: number) =>
  fc.array(interestingByte, { maxLength }).map((bytes) => Uint8Array.from(bytes));

function withHeader(opcode: number, data: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(3 + data.length);
  out[0] = opcode;
  out[1] = (length >>> 8) & 0xff;
  out[2] = length & 0xff;
  out.set(data, 3);
  return out;
}

/** A header that is right (mostly) or off by one, in front of random DATA. */
export const nearValidDatagram = fc
  .record({
    opcode: opcodeByte,
    data: dataBytes(120),
    lengthError: fc.constantFrom(0, 0, 0, 0, -1, 1, 256),
  })
  .map(({ opcode, data, lengthError }) => withHeader(opcode, data, data.length + lengthError));

type Mutation =
  | { kind: "set"; at: number; value: number }
  | { kind: "truncate"; keep: number }
  | { kind: "append"; bytes: Uint8Array }
  | { kind: "insert"; at: number; value: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("set" as const), at: fc.nat(), value: interestingByte }),
  fc.record({ kind: fc.constant("truncate" as const), keep: fc.nat() }),
  fc.record({ kind: fc.constant("append" as const), bytes: dataBytes(4) }),
  fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), value: interestingByte }),
);

function mutate(bytes: Uint8Array, change: Mutation): Uint8Array {
  const size = bytes.length;
  switch (change.kind) {
    case "set": {
      if (size === 0) return bytes;
      const copy = bytes.slice();
      copy[change.at % size] = change.value;
      return copy;
    }
    case "truncate":
      return bytes.slice(0, change.keep % (size + 1));
    case "append":
      return Uint8Array.from([...bytes, ...change.bytes]);
    case "insert": {
      const at = change.at % (size + 1);
      return Uint8Array.from([...bytes.subarray(0, at), change.value, ...bytes.subarray(at)]);
    }
  }
}

/** A real encoded packet with one to three byte-level mutations. */
export const mutatedPacket = fc
  .tuple(anyPacket, fc.array(mutation, { minLength: 1, maxLength: 3 }))
  .map(([packet, changes]) => changes.reduce(mutate, new Uint8Array(encode(packet))));

/**
 * Large datagrams around the 65,507-byte ceiling: random size up to ~70,000 bytes, a
 * LENGTH that matches or not, and DATA filled with one byte and NULs at a few places.
 */
export const largeDatagram = fc
  .record({
    size: fc.oneof(
      fc.integer({ min: MAX_DATAGRAM_BYTES - 3, max: MAX_DATAGRAM_BYTES + 3 }),
      fc.integer({ min: 3, max: 70_000 }),
    ),
    opcode: opcodeByte,
    fill: fc.constantFrom(0x61, 0x00, 0xc3, 0xff),
    nulAt: fc.array(fc.nat(), { maxLength: 4 }),
    lengthMatches: fc.boolean(),
    length: fc.integer({ min: 0, max: 0xffff }),
  })
  .map(({ size, opcode, fill, nulAt, lengthMatches, length }) => {
    const data = new Uint8Array(size - 3).fill(fill);
    for (const at of nulAt) if (data.length > 0) data[at % data.length] = 0;
    return withHeader(opcode, data, lengthMatches ? data.length : length);
  });

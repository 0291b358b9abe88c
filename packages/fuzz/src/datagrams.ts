import { encodeFrame, HEADER_BYTES, MAX_DATAGRAM_BYTES, Opcode } from "@chat/protocol";
import fc from "fast-check";

/*
 * Datagram generators shared by the codec and core targets. Pure random bytes almost never
 * pass the 3-byte header, so most of what is generated is near-valid: a real opcode, a
 * LENGTH that matches (or is off by a little), and DATA built from the pieces the parsers
 * branch on (NULs, ASCII, multi-byte UTF-8, overlongs, surrogates, controls).
 */

const OPCODES = Object.values(Opcode) as number[];

/** Byte sequences the text rules and the UTF-8 validator treat specially. */
const TRICKY_PIECES: readonly number[][] = [
  [0x00], // NUL: the separator
  [0x1b, 0x5b, 0x32, 0x4a], // ESC [ 2 J
  [0x07], // BEL
  [0x0d], // CR
  [0x09], // TAB (allowed in messages)
  [0x0a], // LF (allowed in messages)
  [0x7f], // DEL
  [0xc2, 0x85], // U+0085 NEL, a C1 control
  [0xc2, 0xa0], // U+00A0 no-break space
  [0xe2, 0x80, 0xae], // U+202E right-to-left override
  [0xe2, 0x80, 0x8b], // U+200B zero-width space
  [0xef, 0xbb, 0xbf], // U+FEFF
  [0xef, 0xbf, 0xbd], // U+FFFD
  [0xc0, 0x80], // overlong NUL
  [0xe0, 0x80, 0xaf], // overlong '/'
  [0xed, 0xa0, 0x80], // lone high surrogate U+D800
  [0xed, 0xbf, 0xbf], // lone low surrogate U+DFFF
  [0xf4, 0x90, 0x80, 0x80], // past U+10FFFF
  [0xf0, 0x9f, 0x98, 0x80], // U+1F600, valid 4-byte
  [0xe2, 0x82], // cut 3-byte sequence
  [0x80], // stray continuation byte
  [0xff], // never valid in UTF-8
  [0x41, 0x6c, 0x69, 0x63, 0x65], // "Alice"
  [0x61, 0x6c, 0x69, 0x63, 0x65], // "alice"
  [0x41, 0xcc, 0x8a], // "A" + combining ring: NFC folds it to U+00C5
  [0xc3, 0x85], // U+00C5
  [0xef, 0xbc, 0xa1], // U+FF21 fullwidth A: NFKC folds it to "A"
  [0x7b, 0x72, 0x65, 0x64, 0x2d, 0x66, 0x67, 0x7d], // "{red-fg}"
];

const piece = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...TRICKY_PIECES) },
  { weight: 3, arbitrary: fc.string({ unit: "binary", maxLength: 6 }).map(utf8Array) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 4 }).map((bytes) => [...bytes]) },
);

/** DATA built from tricky pieces: short, so it reaches name and message rules often. */
export const trickyData: fc.Arbitrary<Uint8Array> = fc
  .array(piece, { maxLength: 12 })
  .map((pieces) => Uint8Array.from(pieces.flat()));

/** Any opcode byte, weighted towards the twelve real ones. */
export const opcodeByte: fc.Arbitrary<number> = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...OPCODES) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 255 }) },
);

/** A header with the right LENGTH around tricky DATA. */
export const framedDatagram: fc.Arbitrary<Uint8Array> = fc
  .tuple(opcodeByte, trickyData)
  .map(([opcode, data]) => frame(opcode, data));

/** A framed datagram with its LENGTH field or its tail damaged. */
export const damagedDatagram: fc.Arbitrary<Uint8Array> = fc
  .tuple(framedDatagram, fc.integer({ min: -3, max: 3 }), fc.boolean())
  .map(([bytes, delta, cut]) => {
    if (cut) return bytes.subarray(0, Math.max(0, bytes.length + Math.min(delta, -1)));
    const copy = Uint8Array.from(bytes);
    const length = Math.max(0, ((copy[1] ?? 0) << 8) + (copy[2] ?? 0) + delta) & 0xffff;
    if (copy.length >= HEADER_BYTES) {
      copy[1] = length >>> 8;
      copy[2] = length & 0xff;
    }
    return copy;
  });

/** A few datagrams at and around the size ceiling (slow to build, so rare). */
const hugeDatagram: fc.Arbitrary<Uint8Array> = fc
  .tuple(opcodeByte, fc.integer({ min: -2, max: 2 }), fc.integer({ min: 0, max: 255 }))
  .map(([opcode, delta, fill]) => {
    const size = MAX_DATAGRAM_BYTES + delta;
    const bytes = new Uint8Array(size).fill(fill);
    bytes[0] = opcode;
    const length = Math.min(size - HEADER_BYTES, 0xffff);
    bytes[1] = length >>> 8;
    bytes[2] = length & 0xff;
    return bytes;
  });

/** Every kind of datagram a hostile peer might send. */
export const anyDatagram: fc.Arbitrary<Uint8Array> = fc.oneof(
  { weight: 6, arbitrary: framedDatagram },
  { weight: 3, arbitrary: damagedDatagram },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 64 }) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 64, maxLength: 2_048 }) },
  { weight: 1, arbitrary: hugeDatagram },
);

/** A header (right LENGTH) around exactly these DATA bytes. */
export function frame(opcode: number, data: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(HEADER_BYTES + data.length);
  bytes[0] = opcode;
  bytes[1] = (data.length >>> 8) & 0xff;
  bytes[2] = data.length & 0xff;
  bytes.set(data, HEADER_BYTES);
  return bytes;
}

/** A well-formed client packet from parts (used by the core target's honest traffic). */
export function clientPacket(opcode: number, parts: readonly string[] = []): Uint8Array {
  return encodeFrame(
    opcode,
    parts.map((part) => Buffer.from(part, "utf8")),
  );
}

function utf8Array(text: string): number[] {
  return [...Buffer.from(text, "utf8")];
}

import blessed from "blessed";

/*
 * blessed reads compiled terminfo entries itself, but only the legacy format (magic 0432,
 * 16-bit numbers). ncurses 6.1 and later write entries whose numbers need it in the
 * extended-number format (magic 01036, 32-bit numbers): Debian's tmux-256color,
 * screen-256color and xterm-256color among them. blessed fails to parse those, falls back
 * to an 8-colour xterm entry (timestamps in colour 0: black on black), and for some
 * entries prints a JavaScript dump behind the alternate screen. So the entry is rewritten
 * to the legacy format before blessed parses it, clamping numbers as ncurses does for
 * legacy readers; the extended (user-defined) capabilities are left out, as blessed needs
 * none of them.
 */

const LEGACY_MAGIC = 0o432;
const NUMBERS32_MAGIC = 0o1036;
const HEADER_BYTES = 12;
/** ncurses' largest legacy number; larger ones are clamped to it. */
const LEGACY_NUMBER_MAX = 0x7fff;

/** A compiled terminfo entry in the legacy format; entries already in it come back as they are. */
export function legacyTerminfo(data: Buffer): Buffer {
  if (data.length < HEADER_BYTES || data.readUInt16LE(0) !== NUMBERS32_MAGIC) return data;
  const namesBytes = data.readUInt16LE(2);
  const boolCount = data.readUInt16LE(4);
  const numberCount = data.readUInt16LE(6);
  const stringCount = data.readUInt16LE(8);
  const tableBytes = data.readUInt16LE(10);
  let at = HEADER_BYTES + namesBytes + boolCount;
  if (at % 2 === 1) at++; // numbers start on an even byte
  const end32 = at + numberCount * 4;
  const stringsEnd = end32 + stringCount * 2 + tableBytes;
  if (stringsEnd > data.length) throw new Error("terminfo entry is cut short");
  const head = Buffer.from(data.subarray(0, at));
  head.writeUInt16LE(LEGACY_MAGIC, 0);
  const numbers = Buffer.alloc(numberCount * 2);
  for (let index = 0; index < numberCount; index++) {
    const value = data.readInt32LE(at + index * 4);
    // -1 (absent) and -2 (cancelled) keep their 16-bit forms 0xffff and 0xfffe.
    numbers.writeUInt16LE(
      value < 0 ? value & 0xffff : Math.min(value, LEGACY_NUMBER_MAX),
      index * 2,
    );
  }
  return Buffer.concat([head, numbers, data.subarray(end32, stringsEnd)]);
}

interface TputPrototype {
  parseTerminfo(data: Buffer, file: string): unknown;
}

let installed = false;

/** Teaches blessed's terminfo reader the extended-number format; once per process. */
export function readModernTerminfo(): void {
  if (installed) return;
  installed = true;
  // blessed's own export of lib/tput.js: no require() of a path, which a bundle (and the
  // single executable, run from a data: URL) could not resolve.
  const { Tput } = blessed as unknown as { Tput: { prototype: TputPrototype } };
  const parse = Tput.prototype.parseTerminfo;
  Tput.prototype.parseTerminfo = function (this: unknown, data: Buffer, file: string) {
    return parse.call(this, legacyTerminfo(data), file);
  };
}

/** TERM names that promise 256 colours even when no terminfo entry for them can be read. */
export const promises256Colours = (terminal: string): boolean => /-256colou?r$/iu.test(terminal);

import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { legacyTerminfo, promises256Colours, readModernTerminfo } from "./terminfo.js";

/** A minimal compiled entry: names, one boolean, numbers, two strings, in either format. */
function entry(magic: number, numbers: number[]): Buffer {
  const names = Buffer.from("test-256color|a test terminal\0", "latin1");
  const table = Buffer.from("\x1b[H\0\x1b[2J\0", "latin1");
  const header = Buffer.alloc(12);
  header.writeUInt16LE(magic, 0);
  header.writeUInt16LE(names.length, 2);
  header.writeUInt16LE(1, 4);
  header.writeUInt16LE(numbers.length, 6);
  header.writeUInt16LE(2, 8);
  header.writeUInt16LE(table.length, 10);
  const wide = magic === 0o1036;
  const bools = Buffer.from((12 + names.length + 1) % 2 ? [1, 0] : [1]);
  const nums = Buffer.alloc(numbers.length * (wide ? 4 : 2));
  numbers.forEach((value, i) => {
    if (wide) nums.writeInt32LE(value, i * 4);
    else nums.writeUInt16LE(value & 0xffff, i * 2);
  });
  const offsets = Buffer.alloc(4);
  offsets.writeUInt16LE(0, 0);
  offsets.writeUInt16LE(4, 2);
  return Buffer.concat([header, names, bools, nums, offsets, table]);
}

describe("legacyTerminfo", () => {
  it("rewrites an entry with 32-bit numbers to the 16-bit format, clamping as ncurses does", () => {
    const modern = entry(0o1036, [80, -1, 0x1000000, -2]);
    expect(legacyTerminfo(modern)).toEqual(entry(0o432, [80, -1, 0x7fff, -2]));
  });

  it("leaves a legacy entry as it is", () => {
    const legacy = entry(0o432, [80, 256]);
    expect(legacyTerminfo(legacy)).toBe(legacy);
  });

  it("refuses an entry cut short instead of reading past it", () => {
    expect(() => legacyTerminfo(entry(0o1036, [1, 2, 3]).subarray(0, 50))).toThrow(/cut short/);
  });

  it("says which TERM names promise 256 colours", () => {
    expect(promises256Colours("tmux-256color")).toBe(true);
    expect(promises256Colours("screen-256color")).toBe(true);
    expect(promises256Colours("xterm-256colour")).toBe(true);
    expect(promises256Colours("screen")).toBe(false);
    expect(promises256Colours("linux")).toBe(false);
  });
});

// The system's own compiled entries (Debian: ncurses-base), read as ncurses reads them.
const SYSTEM_ENTRIES = [
  ["tmux-256color", "/lib/terminfo/t/tmux-256color"],
  ["screen-256color", "/lib/terminfo/s/screen-256color"],
  ["xterm-256color", "/lib/terminfo/x/xterm-256color"],
] as const;

describe("blessed reading the system's terminfo", () => {
  for (const [name, file] of SYSTEM_ENTRIES) {
    it.skipIf(!existsSync(file))(`finds 256 colours in ${name} without an error`, () => {
      readModernTerminfo();
      const Tput = createRequire(import.meta.url)("blessed/lib/tput.js");
      const tput = new Tput({ terminal: name });
      expect(tput.error).toBeNull();
      expect(tput.colors).toBe(256);
    });
  }
});

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { decode } from "./decode.js";
import { encode } from "./encode.js";
import { Opcode } from "./opcodes.js";

// The protocol document at the repository root shows a hex datagram for every packet;
// these tests keep those examples true.
const DOC = fileURLToPath(new URL("../../../docs/protocol.md", import.meta.url));
const examples = [...readFileSync(DOC, "utf8").matchAll(/```hex\n([\s\S]*?)```/g)].map((match) =>
  (match[1] as string).trim(),
);

describe("docs/protocol.md examples", () => {
  it("show every opcode", () => {
    const opcodes = new Set(examples.map((hex) => Number.parseInt(hex.slice(0, 2), 16)));
    expect(opcodes).toEqual(new Set(Object.values(Opcode)));
  });

  it.each(examples)("%s decodes and encodes back to the same bytes", (hex) => {
    const bytes = Buffer.from(hex.replace(/\s/g, ""), "hex");
    expect(encode(decode(bytes)).equals(bytes)).toBe(true);
  });
});

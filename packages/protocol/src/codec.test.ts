import { describe, expect, it } from "vitest";
import { decode, encode, Opcode } from "./index.js";

describe("codec smoke", () => {
  it("encodes a broadcast forward byte-exactly and decodes it back", () => {
    const bytes = encode({ opcode: Opcode.BROADCAST_FWD, sender: "bob", message: "hi" });
    expect(Buffer.from(bytes).toString("hex")).toBe("150006626f62006869");
    expect(decode(bytes)).toEqual({ opcode: Opcode.BROADCAST_FWD, sender: "bob", message: "hi" });
  });
});

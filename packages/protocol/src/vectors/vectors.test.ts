import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { buildVectors, serializeVectors, VECTORS_FILE } from "../../scripts/vectors/build.js";
import { challengeToken } from "../address-check.js";
import type { DataShape } from "../data-shapes.js";
import { decode } from "../decode.js";
import { encode } from "../encode.js";
import { ErrorText } from "../error-texts.js";
import { FrameRefusal, ProtocolError } from "../errors.js";
import { decodeFrame, inspectFrame } from "../frame.js";
import { Opcode } from "../opcodes.js";
import { type Packet, RFC_SHAPES } from "../packets.js";
import { decodeMessage, decodeName, foldName, lookAlikeKey } from "../text.js";
import { validate } from "../validate.js";

const shipped = readFileSync(VECTORS_FILE, "utf8");
const vectors = buildVectors();
const bytes = (hex: string) => Buffer.from(hex, "hex");

function thrown(run: () => unknown): ProtocolError {
  try {
    run();
  } catch (error) {
    if (error instanceof ProtocolError) return error;
    throw error;
  }
  throw new Error("expected a ProtocolError");
}

describe("vectors/vectors.json", () => {
  it("is exactly what the table gives now (`pnpm --filter @chat/protocol vectors` rewrites it)", async () => {
    await expect(serializeVectors()).toMatchFileSnapshot("../../vectors/vectors.json");
    expect(JSON.parse(shipped)).toEqual(JSON.parse(JSON.stringify(vectors)));
  });

  it("has a valid vector for every opcode and an invalid one for every framing code", () => {
    expect(new Set(vectors.valid.map((v) => v.packet.opcode))).toEqual(
      new Set(Object.values(Opcode)),
    );
    expect(new Set(vectors.invalid.map((v) => v.code))).toEqual(
      new Set([
        "TRUNCATED",
        "TRAILING_BYTES",
        "UNKNOWN_OPCODE",
        "UNEXPECTED_DATA",
        "MISSING_SEPARATOR",
        "EMPTY_LIST_ENTRY",
        "INVALID_UTF8",
      ]),
    );
  });

  it("gives every vector a unique name within its section", () => {
    for (const section of [vectors.valid, vectors.invalid, vectors.names, vectors.messages]) {
      const titles = section.map((v) => v.name);
      expect(new Set(titles).size).toBe(titles.length);
    }
  });
});

describe.each(vectors.valid)("valid vector: $name", (vector) => {
  it("encodes to its hex and decodes to its packet", () => {
    expect(encode(vector.packet as Packet).toString("hex")).toBe(vector.hex);
    expect(decode(bytes(vector.hex))).toEqual(vector.packet);
  });

  it(`${vector.rules === "pass" ? "passes" : "fails"} the name and message rules`, () => {
    const run = () => validate(vector.packet as Packet);
    if (vector.rules === "pass") expect(run).not.toThrow();
    else expect(thrown(run)).toBeInstanceOf(ProtocolError);
  });

  const { packet } = vector;
  if (packet.opcode === Opcode.ERROR && packet.text.startsWith(ErrorText.ADDRESS_CHECK_PREFIX)) {
    it("is a challenge whose token is read back", () => {
      expect(challengeToken(packet.text)).toBe(
        packet.text.slice(ErrorText.ADDRESS_CHECK_PREFIX.length),
      );
    });
  }

  const rfc = vector.rfc;
  if (rfc !== undefined) {
    it("reads as its `rfc` says without revision 3's cookie and token", () => {
      const datagram = bytes(vector.hex);
      const opcode = datagram[0] as number;
      if ("packet" in rfc) {
        const read = (RFC_SHAPES[opcode] as DataShape).decode(datagram, opcode) as Packet;
        expect(read).toEqual(rfc.packet);
        const run = () => validate(read);
        if (rfc.rules === "pass") expect(run).not.toThrow();
        else expect(thrown(run)).toBeInstanceOf(ProtocolError);
      } else {
        const refusal = inspectFrame(datagram, "toServer", "rfc");
        expect(refusal).toBeInstanceOf(FrameRefusal);
        expect(refusal).toMatchObject({ code: rfc.code });
        expect((refusal as FrameRefusal).text.startsWith(rfc.errorTextPrefix)).toBe(true);
      }
    });
  }
});

describe.each(vectors.invalid)("invalid vector: $name", (vector) => {
  it(`is refused with ${vector.code}`, () => {
    const error = thrown(() => decode(bytes(vector.hex), { direction: vector.direction }));
    expect(error.code).toBe(vector.code);
    if (vector.errorText !== undefined) expect(error.message).toBe(vector.errorText);
    else expect(error.message.startsWith(vector.errorTextPrefix as string)).toBe(true);
    expect(error.message.length).toBeGreaterThan((vector.errorTextPrefix ?? "").length);
  });

  it("is refused by inspectFrame as a value, not a throw, unless only its text is wrong", () => {
    const datagram = bytes(vector.hex);
    const result = inspectFrame(datagram, vector.direction);
    if (vector.code === "INVALID_UTF8") {
      // Framing leaves text as bytes: bad UTF-8 is for the text rules to find.
      expect(result).not.toBeInstanceOf(FrameRefusal);
      return;
    }
    const error = thrown(() => decodeFrame(datagram, vector.direction));
    expect(result).toBeInstanceOf(FrameRefusal);
    expect(result).toMatchObject({ code: error.code, text: error.message });
  });
});

describe.each(vectors.names)("name vector: $name", (vector) => {
  it(
    vector.valid
      ? "is accepted, stored NFC, folded NFKC_Casefold, with its look-alike key"
      : `is refused: ${vector.reason}`,
    () => {
      if (vector.valid) {
        const name = decodeName(bytes(vector.hex));
        expect(name).toBe(vector.stored);
        expect(foldName(name)).toBe(vector.folded);
        expect(lookAlikeKey(name)).toBe(vector.lookAlike);
      } else {
        const error = thrown(() => decodeName(bytes(vector.hex)));
        expect(error.code).toBe(vector.code);
        expect(error.message).toBe(`username is invalid: ${vector.reason}`);
      }
    },
  );
});

describe.each(vectors.messages)("message vector: $name", (vector) => {
  it(vector.valid ? "is accepted unchanged" : `is refused: ${vector.reason}`, () => {
    const input = bytes(vector.hex);
    if (vector.valid) {
      expect(Buffer.from(decodeMessage(input, vector.maxMessageBytes), "utf8").equals(input)).toBe(
        true,
      );
    } else {
      const error = thrown(() => decodeMessage(input, vector.maxMessageBytes));
      expect(error.code).toBe(vector.code);
      expect(error.message).toBe(`message is invalid: ${vector.reason}`);
    }
  });
});

describe.each(vectors.nameClashes)("name clash vector: $name", (vector) => {
  it(`is ${vector.clash === "none" ? "no clash" : `a ${vector.clash} clash`}`, () => {
    const sameFold = foldName(vector.held) === foldName(vector.registering);
    const sameKey = lookAlikeKey(vector.held) === lookAlikeKey(vector.registering);
    const clash = sameFold ? "folded" : sameKey ? "look-alike" : "none";
    expect(clash).toBe(vector.clash);
  });
});

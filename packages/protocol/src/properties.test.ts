import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decode } from "./decode.js";
import { encode } from "./encode.js";
import { ProtocolError } from "./errors.js";
import { type Direction, decodeFrame, encodeFrame, type RawPacket } from "./frame.js";
import { CLIENT_OPCODES, SERVER_OPCODES } from "./opcodes.js";
import type { Packet } from "./packets.js";
import {
  anyPacket,
  largeDatagram,
  mutatedPacket,
  nearValidDatagram,
  packetArbitraries,
} from "./test-support/arbitraries.js";
import { toHex } from "./test-support/bytes.js";

const DIRECTIONS: Direction[] = ["any", "toServer", "toClient"];

/** Runs `run`; a ProtocolError counts as a clean refusal, anything else fails the property. */
function decodesOrRefuses<T>(run: () => T): T | ProtocolError {
  try {
    return run();
  } catch (error) {
    if (error instanceof ProtocolError) return error;
    throw error;
  }
}

/** The fields of a raw packet, in wire order, to rebuild the datagram from. */
function rawParts(raw: RawPacket): Uint8Array[] {
  const fields = Object.entries(raw).filter(([key]) => key !== "opcode");
  return fields.flatMap(([, value]) => (Array.isArray(value) ? value : [value as Uint8Array]));
}

/**
 * Whatever the bytes: decode gives a packet or a ProtocolError, never anything else. A packet
 * that decodes re-encodes to the very same bytes, so no field was read past the datagram
 * or outside its place; decodeFrame's views lie inside the datagram and rebuild it.
 */
function checkDatagram(bytes: Uint8Array): void {
  for (const direction of DIRECTIONS) {
    const packet = decodesOrRefuses(() => decode(bytes, { direction }));
    if (!(packet instanceof ProtocolError)) expect(toHex(encode(packet))).toBe(toHex(bytes));
    const raw = decodesOrRefuses(() => decodeFrame(bytes, direction));
    expect(raw instanceof ProtocolError).toBe(
      packet instanceof ProtocolError && isFrameError(packet),
    );
    if (raw instanceof ProtocolError) continue;
    for (const part of rawParts(raw)) {
      expect(part.buffer).toBe(bytes.buffer);
      expect(part.byteOffset).toBeGreaterThanOrEqual(bytes.byteOffset + 3);
      expect(part.byteOffset + part.length).toBeLessThanOrEqual(bytes.byteOffset + bytes.length);
    }
    expect(toHex(encodeFrame(raw.opcode, rawParts(raw)))).toBe(toHex(bytes));
  }
}

/** decode refuses everything decodeFrame refuses, and adds only UTF-8 refusals. */
function isFrameError(error: ProtocolError): boolean {
  return error.code !== "INVALID_UTF8";
}

describe("round trip", () => {
  it.each(Object.entries(packetArbitraries))(
    "decode(encode(p)) equals p for every %s",
    (_kind, arbitrary) => {
      fc.assert(
        fc.property(arbitrary, (packet) => {
          expect(decode(encode(packet))).toEqual(packet);
        }),
        { numRuns: 300 },
      );
    },
  );

  it("encodes to exactly 3 + LENGTH bytes, opcode first", () => {
    fc.assert(
      fc.property(anyPacket, (packet: Packet) => {
        const bytes = encode(packet);
        expect(bytes[0]).toBe(packet.opcode);
        expect(bytes.length).toBe(3 + bytes.readUInt16BE(1));
      }),
      { numRuns: 1000 },
    );
  });

  it("decodeFrame accepts an opcode exactly in its direction", () => {
    fc.assert(
      fc.property(anyPacket, fc.constantFrom(...DIRECTIONS), (packet, direction) => {
        const bytes = encode(packet);
        const allowed =
          direction === "any" ||
          (direction === "toServer" ? CLIENT_OPCODES : SERVER_OPCODES).has(packet.opcode);
        const result = decodesOrRefuses(() => decodeFrame(bytes, direction));
        if (allowed) {
          expect(result).not.toBeInstanceOf(ProtocolError);
          expect((result as RawPacket).opcode).toBe(packet.opcode);
        } else {
          expect(result).toBeInstanceOf(ProtocolError);
          expect((result as ProtocolError).code).toBe("UNKNOWN_OPCODE");
          expect((result as ProtocolError).message).toBe(`unknown opcode ${packet.opcode}`);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe("any bytes either decode or are refused with a ProtocolError", () => {
  it("for random bytes up to 300 long", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), checkDatagram), { numRuns: 3000 });
  });

  it("for a valid or nearly valid header in front of random DATA", () => {
    fc.assert(fc.property(nearValidDatagram, checkDatagram), { numRuns: 3000 });
  });

  it("for real packets with a few bytes changed, cut, added or inserted", () => {
    fc.assert(fc.property(mutatedPacket, checkDatagram), { numRuns: 3000 });
  });

  it("for large datagrams around the 65,507-byte ceiling, up to ~70,000 bytes", () => {
    fc.assert(fc.property(largeDatagram, checkDatagram), { numRuns: 150 });
  });

  it("for fully random bytes of 65,000 to 70,000", () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 65_000, maxLength: 70_000 }), checkDatagram), {
      numRuns: 15,
    });
  });

  it("for views into a larger buffer, as a socket may hand them over", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 8 }), nearValidDatagram, (before, datagram) => {
        const backing = Uint8Array.from([...before, ...datagram, 0xff, 0x00]);
        checkDatagram(backing.subarray(before.length, before.length + datagram.length));
      }),
      { numRuns: 1000 },
    );
  });
});

import { describe, expect, it } from "vitest";
import { decode } from "./decode.js";
import { decodeFrame } from "./frame.js";
import { MAX_DATA_BYTES, MAX_DATAGRAM_BYTES } from "./limits.js";
import { CLIENT_OPCODES, Opcode, SERVER_OPCODES } from "./opcodes.js";
import { datagram, expectProtocolError, fromHex, toHex } from "./test-support/bytes.js";

const MALFORMED = /^malformed packet: \S/;

describe("size rules", () => {
  it.each(["", "00", "00 00"])("refuses %j: fewer than 3 bytes is truncated", (hex) => {
    expectProtocolError(() => decode(fromHex(hex)), "TRUNCATED", MALFORMED);
  });

  it("refuses DATA shorter than LENGTH as truncated", () => {
    expectProtocolError(
      () => decode(fromHex("14 | 0005 | 6869")),
      "TRUNCATED",
      "malformed packet: LENGTH is 5 but only 2 bytes of DATA follow",
    );
  });

  it("refuses DATA longer than LENGTH as trailing bytes", () => {
    expectProtocolError(
      () => decode(fromHex("14 | 0001 | 6869")),
      "TRAILING_BYTES",
      "malformed packet: LENGTH is 1 but 2 bytes of DATA follow",
    );
    expectProtocolError(() => decode(fromHex("00 | 0000 | ff")), "TRAILING_BYTES", MALFORMED);
  });

  it("accepts the largest datagram, 65,507 bytes", () => {
    const bytes = datagram(Opcode.BROADCAST, "a".repeat(MAX_DATA_BYTES));
    expect(bytes.length).toBe(MAX_DATAGRAM_BYTES);
    expect(decode(bytes)).toEqual({
      opcode: Opcode.BROADCAST,
      message: "a".repeat(MAX_DATA_BYTES),
    });
  });

  it("refuses a datagram over 65,507 bytes even when LENGTH matches", () => {
    const bytes = datagram(Opcode.BROADCAST, "a".repeat(MAX_DATA_BYTES + 1));
    expectProtocolError(
      () => decode(bytes),
      "TOO_LARGE",
      "malformed packet: 65508 bytes is larger than 65507",
    );
  });

  it("reads LENGTH big-endian", () => {
    const raw = decodeFrame(fromHex(`14 | 0100 | ${"61".repeat(256)}`));
    expect(raw.opcode).toBe(20);
    expect(raw.opcode === 20 && raw.message.length).toBe(256);
    expectProtocolError(
      () => decodeFrame(fromHex(`14 | 0001 | ${"61".repeat(256)}`)),
      "TRAILING_BYTES",
      MALFORMED,
    );
  });
});

describe("opcode rules", () => {
  it("refuses an opcode outside the protocol with the exact text", () => {
    expectProtocolError(() => decode(fromHex("63 | 0000")), "UNKNOWN_OPCODE", "unknown opcode 99");
  });

  it.each([2, 10, 13, 19, 24, 39, 44, 255])("refuses opcode %i in every direction", (opcode) => {
    for (const direction of ["any", "toServer", "toClient"] as const) {
      expectProtocolError(
        () => decode(datagram(opcode), { direction }),
        "UNKNOWN_OPCODE",
        `unknown opcode ${opcode}`,
      );
    }
  });

  it.each([...SERVER_OPCODES])(
    "a server refuses server-to-client opcode %i as unknown",
    (opcode) => {
      expectProtocolError(
        () => decodeFrame(datagram(opcode), "toServer"),
        "UNKNOWN_OPCODE",
        `unknown opcode ${opcode}`,
      );
    },
  );

  it.each([...CLIENT_OPCODES])(
    "a client refuses client-to-server opcode %i as unknown",
    (opcode) => {
      expectProtocolError(
        () => decode(datagram(opcode), { direction: "toClient" }),
        "UNKNOWN_OPCODE",
        `unknown opcode ${opcode}`,
      );
    },
  );

  it("checks size before opcode, and opcode before DATA shape", () => {
    expectProtocolError(() => decode(fromHex("63 | 0005 | 00")), "TRUNCATED", MALFORMED);
    expectProtocolError(() => decode(fromHex("63 | 0000 | 00")), "TRAILING_BYTES", MALFORMED);
    // A BROADCAST_FWD without NUL sent to a server is an unknown opcode, not a shape error.
    expectProtocolError(
      () => decodeFrame(fromHex("15 | 0002 | 6869"), "toServer"),
      "UNKNOWN_OPCODE",
      "unknown opcode 21",
    );
  });
});

describe("DATA shape rules", () => {
  it.each([Opcode.OK, Opcode.LOGOUT, Opcode.INFO_REQUEST, Opcode.LIST_REQUEST])(
    "refuses LENGTH > 0 on opcode %i, whose DATA must be empty",
    (opcode) => {
      expectProtocolError(
        () => decode(datagram(opcode, "x")),
        "UNEXPECTED_DATA",
        `malformed packet: opcode ${opcode} carries no DATA but LENGTH is 1`,
      );
    },
  );

  it.each([
    [Opcode.BROADCAST_FWD, "sender"],
    [Opcode.PRIVATE, "receiver"],
    [Opcode.PRIVATE_FWD, "sender"],
  ] as const)("refuses opcode %i without the NUL after its %s", (opcode, first) => {
    for (const data of ["bobhi", ""]) {
      expectProtocolError(
        () => decode(datagram(opcode, data)),
        "MISSING_SEPARATOR",
        `malformed packet: no NUL between ${first} and message`,
      );
    }
  });

  it("splits a two-part DATA at the FIRST NUL: the message keeps later NULs", () => {
    const bytes = fromHex("16 | 0007 | 626f62 00 61 00 62");
    expect(decode(bytes)).toEqual({ opcode: Opcode.PRIVATE, receiver: "bob", message: "a\0b" });
    const raw = decodeFrame(bytes);
    expect(raw.opcode === Opcode.PRIVATE && toHex(raw.message)).toBe("610062");
  });

  it("leaves an empty sender or message to the text rules, not to the shape", () => {
    expect(decode(fromHex("15 | 0001 | 00"))).toEqual({
      opcode: Opcode.BROADCAST_FWD,
      sender: "",
      message: "",
    });
  });

  it.each([
    ["leading NUL", "2b | 0004 | 00 626f62"],
    ["trailing NUL", "2b | 0004 | 626f62 00"],
    ["doubled NUL", "2b | 0007 | 626f62 00 00 6576"],
    ["a lone NUL", "2b | 0001 | 00"],
  ])("refuses a list with a %s (an empty name)", (_what, hex) => {
    expectProtocolError(
      () => decode(fromHex(hex)),
      "EMPTY_LIST_ENTRY",
      /^malformed packet: empty name at byte \d+/,
    );
    expectProtocolError(() => decodeFrame(fromHex(hex)), "EMPTY_LIST_ENTRY", MALFORMED);
  });

  it("reads an empty list as LENGTH 0", () => {
    expect(decode(fromHex("2b | 0000"))).toEqual({ opcode: Opcode.LIST_RESPONSE, names: [] });
    expect(decodeFrame(fromHex("2b | 0000"))).toEqual({ opcode: Opcode.LIST_RESPONSE, names: [] });
  });

  it("checks list shape before UTF-8", () => {
    expectProtocolError(
      () => decode(fromHex("2b | 0003 | ff 00 00")),
      "EMPTY_LIST_ENTRY",
      MALFORMED,
    );
  });
});

describe("strict UTF-8 in decode", () => {
  it("refuses an invalid username with INVALID_UTF8", () => {
    const text = "username is invalid: not valid UTF-8";
    expectProtocolError(() => decode(fromHex("0b | 0002 | c328")), "INVALID_UTF8", text);
    expectProtocolError(() => decode(fromHex("16 | 0004 | c0af 00 61")), "INVALID_UTF8", text);
    expectProtocolError(() => decode(fromHex("2b | 0005 | 61 00 eda080")), "INVALID_UTF8", text);
  });

  it("refuses an invalid message with INVALID_UTF8", () => {
    const text = "message is invalid: not valid UTF-8";
    expectProtocolError(() => decode(fromHex("14 | 0001 | ff")), "INVALID_UTF8", text);
    expectProtocolError(() => decode(fromHex("15 | 0006 | 61 00 f4908080")), "INVALID_UTF8", text);
  });

  it("refuses invalid ERROR and INFO_RESPONSE text as a malformed packet", () => {
    for (const opcode of [Opcode.ERROR, Opcode.INFO_RESPONSE]) {
      expectProtocolError(
        () => decode(datagram(opcode, fromHex("e080af"))),
        "INVALID_UTF8",
        "malformed packet: text is not valid UTF-8",
      );
    }
  });
});

describe("decodeFrame", () => {
  it("returns views into the datagram, not copies", () => {
    const backing = fromHex("ffff | 15 | 0006 | 626f62 00 6869");
    const bytes = backing.subarray(2);
    const raw = decodeFrame(bytes, "toClient");
    if (raw.opcode !== Opcode.BROADCAST_FWD) throw new Error("wrong opcode");
    expect(raw.sender.buffer).toBe(backing.buffer);
    expect(raw.sender.byteOffset).toBe(backing.byteOffset + 5);
    expect(toHex(raw.sender)).toBe("626f62");
    expect(toHex(raw.message)).toBe("6869");
  });

  it("splits a list into one view per name", () => {
    const raw = decodeFrame(fromHex("2b | 0009 | 616c696365 00 626f62"), "toClient");
    expect(raw.opcode === Opcode.LIST_RESPONSE && raw.names.map(toHex)).toEqual([
      "616c696365",
      "626f62",
    ]);
  });

  it("works on a plain Uint8Array as well as on a Buffer", () => {
    const bytes = new Uint8Array(fromHex("16 | 0004 | 61 00 6869"));
    expect(decode(bytes, { direction: "toServer" })).toEqual({
      opcode: Opcode.PRIVATE,
      receiver: "a",
      message: "hi",
    });
  });
});

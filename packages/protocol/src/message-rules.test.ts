import { describe, expect, it } from "vitest";
import { DEFAULT_MAX_MESSAGE_BYTES } from "./limits.js";
import { expectProtocolError, fromHex } from "./test-support/bytes.js";
import { assertMessage, checkMessage, checkMessageBytes, decodeMessage } from "./text.js";

const utf8 = (text: string) => Buffer.from(text, "utf8");

describe("message length", () => {
  it("refuses an empty message", () => {
    expect(checkMessageBytes(new Uint8Array(0))).toBe("empty");
    expectProtocolError(
      () => decodeMessage(new Uint8Array(0)),
      "MESSAGE_INVALID",
      "message is invalid: empty",
    );
  });

  it("accepts exactly the default 1,024 bytes and refuses 1,025", () => {
    expect(DEFAULT_MAX_MESSAGE_BYTES).toBe(1024);
    expect(checkMessageBytes(utf8("a".repeat(1024)))).toBeUndefined();
    expect(checkMessageBytes(utf8("a".repeat(1025)))).toBe("longer than 1024 bytes");
    expect(checkMessage(`${"€".repeat(341)}a`)).toBeUndefined(); // 1,024 bytes
    expect(checkMessage("€".repeat(342))).toBe("longer than 1024 bytes"); // 1,026 bytes
  });

  it("follows a configured maxMessageBytes: max is accepted, max + 1 refused", () => {
    expect(checkMessageBytes(utf8("a".repeat(10)), 10)).toBeUndefined();
    expect(checkMessageBytes(utf8("a".repeat(11)), 10)).toBe("longer than 10 bytes");
    expect(decodeMessage(utf8("a".repeat(4000)), 4000)).toHaveLength(4000);
    expectProtocolError(
      () => decodeMessage(utf8("a".repeat(4001)), 4000),
      "MESSAGE_INVALID",
      "message is invalid: longer than 4000 bytes",
    );
    expect(checkMessage("héllo", 6)).toBeUndefined();
    expect(checkMessage("héllo", 5)).toBe("longer than 5 bytes");
  });
});

describe("message characters", () => {
  it("accepts TAB and LF", () => {
    expect(decodeMessage(utf8("a\tb\nc"))).toBe("a\tb\nc");
  });

  it("accepts emoji and multi-byte text", () => {
    for (const message of [
      "héllo 👋",
      "日本語のテキスト",
      "🇮🇹 ciao",
      "Ωμέγα",
      "e\u0301",
      "\u200b",
    ]) {
      expect(checkMessage(message), message).toBeUndefined();
      expect(decodeMessage(utf8(message))).toBe(message);
    }
  });

  it.each([
    ["CR", "a\rb", "contains a control character (U+000D)"],
    [
      "an ESC sequence (clear screen)",
      "\u001b[2J",
      "contains ESC (terminal escape sequences are refused)",
    ],
    ["BEL", "ding\u0007", "contains a control character (U+0007)"],
    ["NUL", "a\u0000b", "contains NUL"],
    ["DEL", "a\u007f", "contains a control character (DEL)"],
    ["the C1 control CSI (U+009B)", "\u009b2J", "contains a control character (U+009B)"],
    ["the C1 control NEL (U+0085)", "a\u0085b", "contains a control character (U+0085)"],
  ])("refuses %s", (_what, message, reason) => {
    expect(checkMessage(message)).toBe(reason);
    expect(checkMessageBytes(utf8(message))).toBe(reason);
    expectProtocolError(
      () => decodeMessage(utf8(message)),
      "MESSAGE_INVALID",
      `message is invalid: ${reason}`,
    );
    expectProtocolError(
      () => assertMessage(message),
      "MESSAGE_INVALID",
      `message is invalid: ${reason}`,
    );
  });

  it("accepts the characters next to the refused ranges (U+00A0, U+0080 is refused)", () => {
    expect(checkMessage("a\u00a0b")).toBeUndefined();
    expect(checkMessage("\u0080")).toBe("contains a control character (U+0080)");
    expect(checkMessage("\u009f")).toBe("contains a control character (U+009F)");
    expect(checkMessage("~ ")).toBeUndefined();
  });
});

describe("message bytes must be strict UTF-8", () => {
  it.each([
    ["an overlong (C0 AF)", "61 c0af"],
    ["an overlong (E0 80 AF)", "e080af"],
    ["a UTF-8 surrogate (ED A0 80)", "eda080"],
    ["a truncated sequence at the end (E2 82)", "61 e282"],
    ["a truncated C2 at the end", "61 c2"],
    ["a lone continuation byte", "61 80"],
    ["a code point past U+10FFFF", "f4908080"],
    ["an FE byte", "fe"],
  ])("refuses %s with INVALID_UTF8", (_what, hex) => {
    expect(checkMessageBytes(fromHex(hex))).toBe("not valid UTF-8");
    expectProtocolError(
      () => decodeMessage(fromHex(hex)),
      "INVALID_UTF8",
      "message is invalid: not valid UTF-8",
    );
  });

  it("refuses a lone surrogate in a string with INVALID_UTF8", () => {
    expectProtocolError(
      () => assertMessage("hi \ud83d"),
      "INVALID_UTF8",
      "message is invalid: not valid UTF-8",
    );
  });
});

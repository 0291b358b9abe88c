import { expect } from "vitest";
import {
  EncodeError,
  type EncodeErrorCode,
  ProtocolError,
  type ProtocolErrorCode,
} from "../errors.js";

/** Bytes from hex written for people: spaces and `|` between groups are ignored. */
export function fromHex(text: string): Buffer {
  const digits = text.replace(/[\s|]/g, "");
  if (!/^(?:[0-9a-f]{2})*$/i.test(digits)) throw new Error(`not hex: ${text}`);
  return Buffer.from(digits, "hex");
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

/** A datagram with a correct LENGTH: opcode, then DATA given as bytes. */
export function datagram(opcode: number, data: Uint8Array | string = new Uint8Array(0)): Buffer {
  const body = typeof data === "string" ? Buffer.from(data, "utf8") : Buffer.from(data);
  const header = Buffer.from([opcode, body.length >>> 8, body.length & 0xff]);
  return Buffer.concat([header, body]);
}

/** The ProtocolError `run` throws; fails the test when it throws anything else or nothing. */
export function caught(run: () => unknown): ProtocolError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ProtocolError);
    return error as ProtocolError;
  }
  throw new Error("expected a ProtocolError, but nothing was thrown");
}

/** Asserts the code and either the exact text or, for a string ending in ": ", its prefix. */
export function expectProtocolError(
  run: () => unknown,
  code: ProtocolErrorCode,
  text: string | RegExp,
): ProtocolError {
  const error = caught(run);
  expect(error.code).toBe(code);
  if (typeof text === "string") expect(error.message).toBe(text);
  else expect(error.message).toMatch(text);
  return error;
}

/** Asserts that `run` throws an EncodeError with this code and exact text. */
export function expectEncodeError(
  run: () => unknown,
  code: EncodeErrorCode,
  text: string | RegExp,
): EncodeError {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(EncodeError);
  const error = thrown as EncodeError;
  expect(error.code).toBe(code);
  if (typeof text === "string") expect(error.message).toBe(text);
  else expect(error.message).toMatch(text);
  return error;
}

import {
  checkMessage,
  checkMessageBytes,
  type Direction,
  decode,
  decodeFrame,
  decodeUtf8,
  encode,
  FrameRefusal,
  inspectFrame,
  isProtocolError,
  validate,
} from "@chat/protocol";
import fc from "fast-check";
import { anyDatagram, trickyData } from "./datagrams.js";
import { type FuzzTarget, fuzzTarget } from "./target.js";

/*
 * Codec fuzz targets. The codec's promise: whatever the bytes, decode and decodeFrame
 * return or throw ProtocolError (never TypeError, RangeError, …), and a datagram that
 * decodes encodes back to exactly the same bytes.
 */

const DIRECTIONS: readonly Direction[] = ["toServer", "toClient", "any"];

/** Runs `fn`; returns its value, `undefined` if it threw ProtocolError, rethrows anything else. */
export function onlyProtocolErrors<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch (error) {
    if (isProtocolError(error)) return undefined;
    throw error;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;
}

/**
 * decode/decodeFrame never throw anything but ProtocolError, and agree on framing;
 * inspectFrame (the server's path) never throws and refuses exactly what decodeFrame does.
 */
export const decodeThrowsOnlyProtocolError = fc.property(
  anyDatagram,
  fc.constantFrom(...DIRECTIONS),
  (bytes, direction) => {
    const packet = onlyProtocolErrors(() => decode(bytes, { direction }));
    const raw = onlyProtocolErrors(() => decodeFrame(bytes, direction));
    const inspected = inspectFrame(bytes, direction);
    if (inspected instanceof FrameRefusal !== (raw === undefined)) {
      throw new Error("inspectFrame and decodeFrame disagree on whether the framing is valid");
    }
    // decode is decodeFrame plus UTF-8: it cannot succeed where framing failed.
    if (packet !== undefined && raw === undefined) {
      throw new Error("decode accepted a datagram decodeFrame refused");
    }
    if (packet !== undefined) onlyProtocolErrors(() => validate(packet));
  },
);

/** encode(decode(x)) is x, byte for byte, for every x that decodes. */
export const decodeThenEncodeIsIdentity = fc.property(anyDatagram, (bytes) => {
  const packet = onlyProtocolErrors(() => decode(bytes));
  if (packet === undefined) return;
  const again = encode(packet);
  if (!sameBytes(again, bytes)) {
    throw new Error(
      `re-encoded ${Buffer.from(again).toString("hex")} != ${Buffer.from(bytes).toString("hex")}`,
    );
  }
});

/** The byte-level message check (used for forwarding) agrees with the string-level one. */
export const messageChecksAgree = fc.property(trickyData, (bytes) => {
  const byBytes = checkMessageBytes(bytes) === undefined;
  const text = decodeUtf8(bytes);
  const byString = text !== undefined && checkMessage(text) === undefined;
  if (byBytes !== byString) {
    throw new Error(
      `checkMessageBytes says ${byBytes}, checkMessage says ${byString} for ${Buffer.from(bytes).toString("hex")}`,
    );
  }
});

export const codecTargets: Record<string, FuzzTarget> = {
  decodeThrowsOnlyProtocolError: fuzzTarget(decodeThrowsOnlyProtocolError),
  decodeThenEncodeIsIdentity: fuzzTarget(decodeThenEncodeIsIdentity),
  messageChecksAgree: fuzzTarget(messageChecksAgree),
};

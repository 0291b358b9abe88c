import type { ProtocolErrorCode } from "../../src/errors.js";
import type { Direction } from "../../src/frame.js";
import type { Packet } from "../../src/packets.js";

/** The shapes of the vectors in vectors/vectors.json, and helpers to write their input. */

export interface ValidVector {
  name: string;
  hex: string;
  /** With revision 3, a REGISTER's `cookie` and a LOGOUT/LIST_REQUEST/BROADCAST/PRIVATE's `token`. */
  packet: Packet;
  /** Whether the decoded packet also passes the name and message rules (`validate`). */
  rules: "pass" | "fail";
  /**
   * Revision 3 vectors with a cookie or token: the same bytes as the RFC reads them, which is
   * how an RFC server reads them and how ours reads a sender that holds no session token.
   */
  rfc?: RfcReading;
}

/** Either the packet an RFC reader decodes, with its rules result, or its refusal. */
export type RfcReading =
  | { packet: Packet; rules: "pass" | "fail" }
  | { code: ProtocolErrorCode; errorTextPrefix: string };

export interface InvalidVector {
  name: string;
  hex: string;
  direction: Direction;
  code: ProtocolErrorCode;
  /** The exact ERROR text, where the protocol fixes it. */
  errorText?: string;
  /** Otherwise the fixed start of the text; the reason after it is free. */
  errorTextPrefix?: string;
}

export interface NameVector {
  name: string;
  /** The username's bytes as they arrive on the wire (no header). */
  hex: string;
  valid: boolean;
  /** Valid names: the stored form (NFC). */
  stored?: string;
  /** Valid names: the comparison key (NFKC_Casefold). */
  folded?: string;
  /** Valid names: the look-alike key, NFKC_Casefold(skeleton(NFKC(name))) (revision 3). */
  lookAlike?: string;
  code?: ProtocolErrorCode;
  /** Invalid names: our reason, after "username is invalid: ". */
  reason?: string;
}

/** May a REGISTER of `registering` succeed while `held` is present? */
export interface NameClashVector {
  name: string;
  held: string;
  registering: string;
  /** "folded": equal NFKC_Casefold forms; "look-alike": equal look-alike keys only; "none": no clash. */
  clash: "folded" | "look-alike" | "none";
}

export interface MessageVector {
  name: string;
  hex: string;
  maxMessageBytes: number;
  valid: boolean;
  code?: ProtocolErrorCode;
  /** Invalid messages: our reason, after "message is invalid: ". */
  reason?: string;
}

/** UTF-8 of a string, as hex. */
export const utf8 = (text: string): string => Buffer.from(text, "utf8").toString("hex");

/** A header with the right LENGTH in front of DATA given as hex. */
export function frame(opcode: number, dataHex: string): string {
  const data = dataHex.replace(/[\s|]/g, "");
  const length = data.length / 2;
  return `${opcode.toString(16).padStart(2, "0")} | ${length.toString(16).padStart(4, "0")} | ${data}`;
}

import {
  malformed,
  messageInvalid,
  NOT_VALID_UTF8,
  nameInvalid,
  type ProtocolError,
} from "./errors.js";
import { type Direction, decodeFrame } from "./frame.js";
import { Opcode } from "./opcodes.js";
import type { Packet } from "./packets.js";
import { decodeUtf8 } from "./utf8.js";

export interface DecodeOptions {
  /** Accept only the opcodes a server receives (`toServer`), a client receives (`toClient`), or all. */
  direction?: Direction;
}

type TextKind = "name" | "message" | "text";

/**
 * Decodes one datagram into a packet: framing, DATA shape and strict UTF-8. It does not
 * apply the name and message rules; `validate` does that as a separate step.
 * Throws only ProtocolError, whatever the bytes.
 */
export function decode(bytes: Uint8Array, options: DecodeOptions = {}): Packet {
  const raw = decodeFrame(bytes, options.direction);
  switch (raw.opcode) {
    case Opcode.OK:
    case Opcode.LOGOUT:
    case Opcode.INFO_REQUEST:
    case Opcode.LIST_REQUEST:
      return { opcode: raw.opcode };
    case Opcode.ERROR:
    case Opcode.INFO_RESPONSE:
      return { opcode: raw.opcode, text: text(raw.text, "text") };
    case Opcode.REGISTER:
      return { opcode: raw.opcode, name: text(raw.name, "name") };
    case Opcode.BROADCAST:
      return { opcode: raw.opcode, message: text(raw.message, "message") };
    case Opcode.PRIVATE:
      return {
        opcode: raw.opcode,
        receiver: text(raw.receiver, "name"),
        message: text(raw.message, "message"),
      };
    case Opcode.BROADCAST_FWD:
    case Opcode.PRIVATE_FWD:
      return {
        opcode: raw.opcode,
        sender: text(raw.sender, "name"),
        message: text(raw.message, "message"),
      };
    case Opcode.LIST_RESPONSE:
      return { opcode: raw.opcode, names: raw.names.map((name) => text(name, "name")) };
  }
}

function text(bytes: Uint8Array, kind: TextKind): string {
  const decoded = decodeUtf8(bytes);
  if (decoded === undefined) throw utf8Error(kind);
  return decoded;
}

function utf8Error(kind: TextKind): ProtocolError {
  if (kind === "name") return nameInvalid(NOT_VALID_UTF8);
  if (kind === "message") return messageInvalid(NOT_VALID_UTF8);
  return malformed("INVALID_UTF8", "text is not valid UTF-8");
}

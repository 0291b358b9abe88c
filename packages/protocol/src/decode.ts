import {
  malformed,
  messageInvalid,
  NOT_VALID_UTF8,
  nameInvalid,
  type ProtocolError,
  unknownOpcode,
} from "./errors.js";
import { checkList, checkNoData, type Direction, readOpcode, separatorAt } from "./frame.js";
import { HEADER_BYTES } from "./limits.js";
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
  const opcode = readOpcode(bytes, options.direction ?? "any");
  const end = bytes.length;
  switch (opcode) {
    case Opcode.OK:
    case Opcode.LOGOUT:
    case Opcode.INFO_REQUEST:
    case Opcode.LIST_REQUEST:
      checkNoData(bytes, opcode);
      return { opcode };
    case Opcode.ERROR:
    case Opcode.INFO_RESPONSE:
      return { opcode, text: text(bytes, HEADER_BYTES, end, "text") };
    case Opcode.REGISTER:
      return { opcode, name: text(bytes, HEADER_BYTES, end, "name") };
    case Opcode.BROADCAST:
      return { opcode, message: text(bytes, HEADER_BYTES, end, "message") };
    case Opcode.PRIVATE: {
      const at = separatorAt(bytes, "receiver");
      return {
        opcode,
        receiver: text(bytes, HEADER_BYTES, at, "name"),
        message: text(bytes, at + 1, end, "message"),
      };
    }
    case Opcode.BROADCAST_FWD:
    case Opcode.PRIVATE_FWD: {
      const at = separatorAt(bytes, "sender");
      return {
        opcode,
        sender: text(bytes, HEADER_BYTES, at, "name"),
        message: text(bytes, at + 1, end, "message"),
      };
    }
    case Opcode.LIST_RESPONSE: {
      checkList(bytes);
      // A list is valid UTF-8 exactly when each entry is (NUL never sits inside a
      // multi-byte sequence), so decode it once and split, rather than once per name.
      const all = text(bytes, HEADER_BYTES, end, "name");
      return { opcode, names: all.length === 0 ? [] : all.split("\0") };
    }
    default:
      // readOpcode has already refused every other opcode.
      throw unknownOpcode(opcode);
  }
}

function text(bytes: Uint8Array, start: number, end: number, kind: TextKind): string {
  if (start === end) return "";
  const decoded = decodeUtf8(bytes.subarray(start, end));
  if (decoded === undefined) throw utf8Error(kind);
  return decoded;
}

function utf8Error(kind: TextKind): ProtocolError {
  if (kind === "name") return nameInvalid(NOT_VALID_UTF8);
  if (kind === "message") return messageInvalid(NOT_VALID_UTF8);
  return malformed("INVALID_UTF8", "text is not valid UTF-8");
}

import { ProtocolError } from "./errors.js";
import { encodeFrame } from "./frame.js";
import { Opcode } from "./opcodes.js";
import type { Packet } from "./packets.js";
import { encodeUtf8 } from "./utf8.js";

/**
 * Encodes a packet into one datagram. Refuses (with ProtocolError) anything `decode` could
 * not give back unchanged: lone surrogates, a NUL inside a sender, receiver or list entry,
 * an empty list entry, and DATA over 65,504 bytes. Name and message rules are `validate`'s.
 */
export function encode(packet: Packet): Buffer {
  switch (packet.opcode) {
    case Opcode.OK:
    case Opcode.LOGOUT:
    case Opcode.INFO_REQUEST:
    case Opcode.LIST_REQUEST:
      return encodeFrame(packet.opcode, []);
    case Opcode.ERROR:
    case Opcode.INFO_RESPONSE:
      return encodeFrame(packet.opcode, [field(packet.text, "text")]);
    case Opcode.REGISTER:
      return encodeFrame(packet.opcode, [field(packet.name, "name")]);
    case Opcode.BROADCAST:
      return encodeFrame(packet.opcode, [field(packet.message, "message")]);
    case Opcode.PRIVATE:
      return encodeFrame(packet.opcode, [
        beforeSeparator(packet.receiver, "receiver"),
        field(packet.message, "message"),
      ]);
    case Opcode.BROADCAST_FWD:
    case Opcode.PRIVATE_FWD:
      return encodeFrame(packet.opcode, [
        beforeSeparator(packet.sender, "sender"),
        field(packet.message, "message"),
      ]);
    case Opcode.LIST_RESPONSE:
      return encodeFrame(packet.opcode, packet.names.map(listEntry));
    default:
      return assertNever(packet);
  }
}

function field(value: string, what: string): Uint8Array {
  if (!value.isWellFormed()) {
    throw new ProtocolError("INVALID_UTF8", `cannot encode: ${what} has a lone surrogate`);
  }
  return encodeUtf8(value);
}

function beforeSeparator(value: string, what: string): Uint8Array {
  if (value.includes("\0")) {
    throw new ProtocolError("FIELD_CONTAINS_NUL", `cannot encode: ${what} contains NUL`);
  }
  return field(value, what);
}

function listEntry(name: string, index: number): Uint8Array {
  if (name.length === 0) {
    throw new ProtocolError("EMPTY_LIST_ENTRY", `cannot encode: list entry ${index} is empty`);
  }
  return beforeSeparator(name, `list entry ${index}`);
}

function assertNever(packet: never): never {
  const opcode = (packet as { opcode?: unknown }).opcode;
  throw new ProtocolError("UNKNOWN_OPCODE", `unknown opcode ${String(opcode)}`);
}

import { ProtocolError } from "./errors.js";
import { checkDataLength } from "./frame.js";
import { HEADER_BYTES } from "./limits.js";
import { Opcode } from "./opcodes.js";
import type { Packet } from "./packets.js";

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
      return frame(packet.opcode, "");
    case Opcode.ERROR:
    case Opcode.INFO_RESPONSE:
      return frame(packet.opcode, field(packet.text, "text"));
    case Opcode.REGISTER:
      return frame(packet.opcode, field(packet.name, "name"));
    case Opcode.BROADCAST:
      return frame(packet.opcode, field(packet.message, "message"));
    case Opcode.PRIVATE:
      return frame(
        packet.opcode,
        `${beforeSeparator(packet.receiver, "receiver")}\0${field(packet.message, "message")}`,
      );
    case Opcode.BROADCAST_FWD:
    case Opcode.PRIVATE_FWD:
      return frame(
        packet.opcode,
        `${beforeSeparator(packet.sender, "sender")}\0${field(packet.message, "message")}`,
      );
    case Opcode.LIST_RESPONSE:
      return frame(packet.opcode, list(packet.names));
    default:
      return assertNever(packet);
  }
}

/**
 * Writes the DATA string straight into the datagram: one byte count and one UTF-8 write,
 * with no intermediate byte arrays (TextEncoder.encode per field cost several times more).
 * Every field has passed `field`, so the string has no lone surrogate and encodes exactly.
 */
function frame(opcode: number, data: string): Buffer {
  const length = Buffer.byteLength(data, "utf8");
  checkDataLength(length);
  const out = Buffer.allocUnsafe(HEADER_BYTES + length);
  out[0] = opcode;
  out[1] = length >>> 8;
  out[2] = length & 0xff;
  if (length > 0) out.write(data, HEADER_BYTES, "utf8");
  return out;
}

function field(value: string, what: string): string {
  if (!value.isWellFormed()) {
    throw new ProtocolError("INVALID_UTF8", `cannot encode: ${what} has a lone surrogate`);
  }
  return value;
}

function beforeSeparator(value: string, what: string): string {
  if (value.includes("\0")) {
    throw new ProtocolError("FIELD_CONTAINS_NUL", `cannot encode: ${what} contains NUL`);
  }
  return field(value, what);
}

function list(names: readonly string[]): string {
  for (let i = 0; i < names.length; i++) {
    const name = names[i] as string;
    if (name.length === 0) {
      throw new ProtocolError("EMPTY_LIST_ENTRY", `cannot encode: list entry ${i} is empty`);
    }
    beforeSeparator(name, `list entry ${i}`);
  }
  // NUL is not a surrogate, so the joined string is well formed when every entry is.
  return names.join("\0");
}

function assertNever(packet: never): never {
  const opcode = (packet as { opcode?: unknown }).opcode;
  throw new ProtocolError("UNKNOWN_OPCODE", `unknown opcode ${String(opcode)}`);
}

import { EncodeError } from "./errors.js";
import { allocDatagram } from "./frame.js";
import { HEADER_BYTES } from "./limits.js";
import { type Packet, SHAPES } from "./packets.js";

/**
 * Encodes a packet into one datagram. Refuses (with EncodeError) anything `decode` could
 * not give back unchanged: lone surrogates, a NUL inside a sender, receiver or list entry,
 * an empty list entry, and DATA over 65,504 bytes. Name and message rules are `validate`'s.
 */
export function encode(packet: Packet): Buffer {
  const opcode = packet.opcode;
  const shape = SHAPES[opcode];
  if (shape === undefined) {
    throw new EncodeError("UNKNOWN_OPCODE", `unknown opcode ${String(opcode)}`);
  }
  // The DATA string goes straight into the datagram: one byte count and one UTF-8 write,
  // with no intermediate byte arrays (TextEncoder.encode per field cost several times more).
  // The shape has refused lone surrogates, so the string encodes exactly.
  const data = shape.encode(packet);
  const length = Buffer.byteLength(data, "utf8");
  const out = allocDatagram(opcode, length);
  if (length > 0) out.write(data, HEADER_BYTES, "utf8");
  return out;
}

import type { DataShape } from "./data-shapes.js";
import { orThrow } from "./errors.js";
import { checkHeader, type Direction } from "./frame.js";
import { type Packet, SHAPES } from "./packets.js";

export interface DecodeOptions {
  /** Accept only the opcodes a server receives (`toServer`), a client receives (`toClient`), or all. */
  direction?: Direction;
}

/**
 * Decodes one datagram into a packet: framing, DATA shape and strict UTF-8. It does not
 * apply the name and message rules; `validate` does that as a separate step.
 * Throws only ProtocolError, whatever the bytes.
 */
export function decode(bytes: Uint8Array, options: DecodeOptions = {}): Packet {
  const opcode = orThrow(checkHeader(bytes, options.direction ?? "any"));
  // checkHeader has refused every opcode without a spec.
  return (SHAPES[opcode] as DataShape).decode(bytes, opcode) as Packet;
}

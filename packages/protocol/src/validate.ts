import { type Packet, SHAPES } from "./packets.js";

export interface ValidateOptions {
  /** The message ceiling the server runs with (default 1,024 bytes). */
  maxMessageBytes?: number;
}

/**
 * Applies the name and message rules (docs/protocol.md#3-text) to a decoded packet; throws
 * the ProtocolError a server answers with, receiver before message. Separate from `decode`
 * so that a caller can decide the order (a server checks registration before the message).
 */
export function validate(packet: Packet, options: ValidateOptions = {}): void {
  SHAPES[packet.opcode]?.validate(packet, options.maxMessageBytes);
}

import { Opcode } from "./opcodes.js";
import type { Packet } from "./packets.js";
import { assertMessage, assertName } from "./text.js";

export interface ValidateOptions {
  /** The message ceiling the server runs with (default 1,024 bytes). */
  maxMessageBytes?: number;
}

/**
 * Applies the name and message rules of section 2 to a decoded packet; throws the
 * ProtocolError a server answers with. Separate from `decode` so that a caller can
 * decide the order (a server checks registration before the message).
 */
export function validate(packet: Packet, options: ValidateOptions = {}): void {
  const max = options.maxMessageBytes;
  switch (packet.opcode) {
    case Opcode.REGISTER:
      assertName(packet.name);
      break;
    case Opcode.BROADCAST:
      assertMessage(packet.message, max);
      break;
    case Opcode.PRIVATE:
      assertName(packet.receiver);
      assertMessage(packet.message, max);
      break;
    case Opcode.BROADCAST_FWD:
    case Opcode.PRIVATE_FWD:
      assertName(packet.sender);
      assertMessage(packet.message, max);
      break;
    case Opcode.LIST_RESPONSE:
      for (const name of packet.names) assertName(name);
      break;
    default:
      // The other packets carry no name or message.
      break;
  }
}

import { Opcode, opcodeName, type ServerPacket } from "@chat/protocol";
import type { Received } from "./probe.js";

const MAX_SHOWN = 80;

/** A short, printable quote of text from the wire: escapes controls, cuts long text. */
export function quote(text: string): string {
  const cut = text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…(${text.length} chars)` : text;
  return JSON.stringify(cut);
}

/** How a packet reads in a failure: `ERROR "user not found: bob"`. */
export function describePacket(packet: ServerPacket): string {
  const name = opcodeName(packet.opcode) ?? `opcode ${packet.opcode}`;
  switch (packet.opcode) {
    case Opcode.OK:
      return name;
    case Opcode.ERROR:
    case Opcode.INFO_RESPONSE:
      return `${name} ${quote(packet.text)}`;
    case Opcode.BROADCAST_FWD:
    case Opcode.PRIVATE_FWD:
      return `${name} from ${quote(packet.sender)}: ${quote(packet.message)}`;
    case Opcode.LIST_RESPONSE:
      return `${name} [${packet.names.map(quote).join(", ")}]`;
  }
}

export function describeReceived(received: Received): string {
  if ("packet" in received) return describePacket(received.packet);
  return `an undecodable ${received.size}-byte datagram (${received.undecodable})`;
}

import { createSocket } from "node:dgram";
import { decode, encode, Opcode, type Packet, type ServerPacket } from "@chat/protocol";

/**
 * Text a hostile (or broken) server may send: it sets the terminal's title, clears the
 * screen, recolours, writes the clipboard (OSC 52), reverses what follows (RLO), and ends
 * in a blank that draws nothing. No byte of it may reach a terminal raw.
 */
export const HOSTILE_TEXT =
  "\u001b]0;pwned\u0007\u001b[2J\u001b[31mred\u001b]52;c;aGk=\u0007\u009b1m\u202eevil\u2800\u3164";

/** The characters of HOSTILE_TEXT that must never be printed as they are. */
export const HOSTILE_CHARACTERS = /[\u001b\u0007\u009b\u202e\u2800\u3164]/u;

export interface HostileServer {
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * A fake server on 127.0.0.1 that puts HOSTILE_TEXT into everything it says: OK to
 * REGISTER and LOGOUT (so a client gets as far as sending), then ERROR texts, INFO
 * answers, forwarded names and messages and LIST names that carry it. A REGISTER of a
 * name starting with "refuse" gets a hostile ERROR instead.
 */
export async function startHostileServer(): Promise<HostileServer> {
  const socket = createSocket("udp4");
  const sender = `mallory${HOSTILE_TEXT}`;
  socket.on("message", (bytes, from) => {
    const reply = (packet: ServerPacket) => socket.send(encode(packet), from.port, from.address);
    let request: Packet;
    try {
      request = decode(bytes, { direction: "toServer" });
    } catch {
      return;
    }
    switch (request.opcode) {
      case Opcode.REGISTER: {
        if (request.name.startsWith("refuse")) reply({ opcode: Opcode.ERROR, text: HOSTILE_TEXT });
        else reply({ opcode: Opcode.OK });
        return;
      }
      case Opcode.LOGOUT:
        reply({ opcode: Opcode.OK });
        return;
      case Opcode.BROADCAST:
        reply({ opcode: Opcode.BROADCAST_FWD, sender, message: HOSTILE_TEXT });
        reply({ opcode: Opcode.ERROR, text: HOSTILE_TEXT });
        return;
      case Opcode.PRIVATE:
        reply({ opcode: Opcode.PRIVATE_FWD, sender, message: HOSTILE_TEXT });
        reply({ opcode: Opcode.ERROR, text: HOSTILE_TEXT });
        return;
      case Opcode.INFO_REQUEST:
        reply({ opcode: Opcode.INFO_RESPONSE, text: HOSTILE_TEXT });
        return;
      case Opcode.LIST_REQUEST:
        reply({ opcode: Opcode.LIST_RESPONSE, names: [sender, HOSTILE_TEXT] });
        return;
    }
  });
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  return {
    host: "127.0.0.1",
    port: socket.address().port,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

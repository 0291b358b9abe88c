import { createSocket, type RemoteInfo, type Socket } from "node:dgram";
import { type ClientPacket, decode, encode, type ServerPacket } from "@chat/protocol";

/**
 * A scripted UDP peer on 127.0.0.1 for the cases a real server cannot produce on demand
 * (silence, a malformed reply, a list split across packets). `reply` decides the answer.
 */
export interface FakeServer {
  port: number;
  /** Every packet received, in order. */
  received: ClientPacket[];
  /** The endpoint of the last client heard. */
  lastClient: RemoteInfo | undefined;
  reply: (packet: ClientPacket, from: RemoteInfo) => Array<ServerPacket | Uint8Array>;
  /** Sends a packet (or raw bytes) to the last client heard. */
  push: (packet: ServerPacket | Uint8Array) => void;
  close: () => Promise<void>;
}

export async function startFakeServer(): Promise<FakeServer> {
  const socket: Socket = createSocket("udp4");
  const server: FakeServer = {
    port: 0,
    received: [],
    lastClient: undefined,
    reply: () => [],
    push: (packet) => {
      const to = server.lastClient;
      if (!to) throw new Error("fake server: no client yet");
      socket.send(toBytes(packet), to.port, to.address);
    },
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
  socket.on("message", (bytes, from) => {
    let packet: ClientPacket;
    try {
      packet = decode(bytes, { direction: "toServer" }) as ClientPacket;
    } catch {
      return;
    }
    server.received.push(packet);
    server.lastClient = from;
    for (const answer of server.reply(packet, from)) {
      socket.send(toBytes(answer), from.port, from.address);
    }
  });
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  server.port = socket.address().port;
  return server;
}

function toBytes(packet: ServerPacket | Uint8Array): Uint8Array {
  return packet instanceof Uint8Array ? packet : encode(packet);
}

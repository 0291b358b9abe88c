import type { Opcode } from "./opcodes.js";

/** Every CHAT UDP packet, discriminated on `opcode`. Text fields are JS strings. */
export type Packet =
  | OkPacket
  | ErrorPacket
  | RegisterPacket
  | LogoutPacket
  | BroadcastPacket
  | BroadcastForwardPacket
  | PrivatePacket
  | PrivateForwardPacket
  | InfoRequestPacket
  | InfoResponsePacket
  | ListRequestPacket
  | ListResponsePacket;

export interface OkPacket {
  opcode: typeof Opcode.OK;
}
export interface ErrorPacket {
  opcode: typeof Opcode.ERROR;
  text: string;
}
export interface RegisterPacket {
  opcode: typeof Opcode.REGISTER;
  name: string;
}
export interface LogoutPacket {
  opcode: typeof Opcode.LOGOUT;
}
export interface BroadcastPacket {
  opcode: typeof Opcode.BROADCAST;
  message: string;
}
export interface BroadcastForwardPacket {
  opcode: typeof Opcode.BROADCAST_FWD;
  sender: string;
  message: string;
}
export interface PrivatePacket {
  opcode: typeof Opcode.PRIVATE;
  receiver: string;
  message: string;
}
export interface PrivateForwardPacket {
  opcode: typeof Opcode.PRIVATE_FWD;
  sender: string;
  message: string;
}
export interface InfoRequestPacket {
  opcode: typeof Opcode.INFO_REQUEST;
}
export interface InfoResponsePacket {
  opcode: typeof Opcode.INFO_RESPONSE;
  text: string;
}
export interface ListRequestPacket {
  opcode: typeof Opcode.LIST_REQUEST;
}
export interface ListResponsePacket {
  opcode: typeof Opcode.LIST_RESPONSE;
  names: string[];
}

/** Packets a client sends. */
export type ClientPacket =
  | RegisterPacket
  | LogoutPacket
  | BroadcastPacket
  | PrivatePacket
  | InfoRequestPacket
  | ListRequestPacket;

/** Packets a server sends. */
export type ServerPacket =
  | OkPacket
  | ErrorPacket
  | BroadcastForwardPacket
  | PrivateForwardPacket
  | InfoResponsePacket
  | ListResponsePacket;

/** The packet type for one opcode: `PacketOf<typeof Opcode.REGISTER>` is `RegisterPacket`. */
export type PacketOf<O extends Opcode> = Extract<Packet, { opcode: O }>;

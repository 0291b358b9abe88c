import {
  type DataShape,
  empty,
  type FieldsOf,
  freeText,
  message,
  name,
  nameAndMessage,
  names,
  withCookie,
  withToken,
} from "./data-shapes.js";

/** Which way a packet travels: to a server (a client sends it) or to a client. */
export type PacketDirection = "toServer" | "toClient";

interface PacketSpec {
  readonly opcode: number;
  readonly direction: PacketDirection;
  readonly data: DataShape;
}

/**
 * Every CHAT UDP packet (docs/protocol.md#1-framing): its opcode, as the decimal number the
 * RFC writes, the way it travels and the shape of its DATA with the field names. The codec
 * (encode, decode, decodeFrame, validate), `Opcode` and the packet types all come from this
 * table: a packet is added or changed here, in one place.
 */
export const PACKETS = {
  OK: { opcode: 0, direction: "toClient", data: empty },
  ERROR: { opcode: 1, direction: "toClient", data: freeText("text") },
  REGISTER: { opcode: 11, direction: "toServer", data: withCookie(name("name")) },
  LOGOUT: { opcode: 12, direction: "toServer", data: withToken(empty) },
  BROADCAST: { opcode: 20, direction: "toServer", data: withToken(message("message")) },
  BROADCAST_FWD: { opcode: 21, direction: "toClient", data: nameAndMessage("sender") },
  PRIVATE: { opcode: 22, direction: "toServer", data: withToken(nameAndMessage("receiver")) },
  PRIVATE_FWD: { opcode: 23, direction: "toClient", data: nameAndMessage("sender") },
  INFO_REQUEST: { opcode: 40, direction: "toServer", data: empty },
  INFO_RESPONSE: { opcode: 41, direction: "toClient", data: freeText("text") },
  LIST_REQUEST: { opcode: 42, direction: "toServer", data: withToken(empty) },
  LIST_RESPONSE: { opcode: 43, direction: "toClient", data: names("names") },
} as const satisfies Record<string, PacketSpec>;

type Table = typeof PACKETS;
export type OpcodeName = keyof Table;

/** `{ opcode: 21; sender: string; message: string }` rather than an intersection. */
type Flat<T> = { [K in keyof T]: T[K] } & {};
type PacketNamed<N extends OpcodeName> = Flat<
  { opcode: Table[N]["opcode"] } & FieldsOf<Table[N]["data"]>
>;
type Travelling<D extends PacketDirection> = {
  [N in OpcodeName]: Table[N]["direction"] extends D ? PacketNamed<N> : never;
}[OpcodeName];

/** Every CHAT UDP packet, discriminated on `opcode`. Text fields are JS strings. */
export type Packet = { [N in OpcodeName]: PacketNamed<N> }[OpcodeName];
/** Packets a client sends. */
export type ClientPacket = Travelling<"toServer">;
/** Packets a server sends. */
export type ServerPacket = Travelling<"toClient">;
/** The packet type for one opcode: `PacketOf<typeof Opcode.REGISTER>` has `opcode` and `name`. */
export type PacketOf<O extends Packet["opcode"]> = Extract<Packet, { opcode: O }>;

/** The table by opcode number, for the codec: one array read per datagram. */
export const SPECS: readonly (PacketSpec | undefined)[] = byOpcode((spec) => spec);
/** The DATA shape by opcode number (`undefined` for a number not in the table). */
export const SHAPES: readonly (DataShape | undefined)[] = byOpcode((spec) => spec.data);
/** The same shapes as the RFC reads them, without revision 3's cookie and token. */
export const RFC_SHAPES: readonly (DataShape | undefined)[] = byOpcode(
  (spec): DataShape => ("inner" in spec.data ? (spec.data.inner as DataShape) : spec.data),
);

function byOpcode<T>(pick: (spec: PacketSpec) => T): (T | undefined)[] {
  const out = new Array<T | undefined>(256).fill(undefined);
  for (const spec of Object.values(PACKETS)) out[spec.opcode] = pick(spec);
  return out;
}

import { type OpcodeName, PACKETS } from "./packets.js";

export type { OpcodeName } from "./packets.js";

/** Every CHAT UDP opcode by name (`Opcode.REGISTER` is 11), from the packet table. */
export const Opcode = Object.fromEntries(
  Object.entries(PACKETS).map(([name, spec]) => [name, spec.opcode]),
) as { readonly [N in OpcodeName]: (typeof PACKETS)[N]["opcode"] };
export type Opcode = (typeof Opcode)[OpcodeName];

const names = Object.keys(PACKETS) as OpcodeName[];

/** Opcodes a client sends and a server accepts. */
export const CLIENT_OPCODES: ReadonlySet<number> = new Set(
  names.filter((name) => PACKETS[name].direction === "toServer").map((name) => Opcode[name]),
);

/** Opcodes a server sends and a client accepts. */
export const SERVER_OPCODES: ReadonlySet<number> = new Set(
  names.filter((name) => PACKETS[name].direction === "toClient").map((name) => Opcode[name]),
);

const NAMES = new Map<number, OpcodeName>(names.map((name) => [Opcode[name], name]));

/** The opcode's protocol name (`"BROADCAST"`), or `undefined` for an unknown number. */
export function opcodeName(value: number): OpcodeName | undefined {
  return NAMES.get(value);
}

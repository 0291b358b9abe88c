/**
 * Every CHAT UDP opcode, as the decimal numbers the RFC writes.
 * This is the single place protocol opcodes are defined.
 */
export const Opcode = {
  OK: 0,
  ERROR: 1,
  REGISTER: 11,
  LOGOUT: 12,
  BROADCAST: 20,
  BROADCAST_FWD: 21,
  PRIVATE: 22,
  PRIVATE_FWD: 23,
  INFO_REQUEST: 40,
  INFO_RESPONSE: 41,
  LIST_REQUEST: 42,
  LIST_RESPONSE: 43,
} as const;

export type OpcodeName = keyof typeof Opcode;
export type Opcode = (typeof Opcode)[OpcodeName];

/** Opcodes a client sends and a server accepts. */
export const CLIENT_OPCODES: ReadonlySet<number> = new Set([
  Opcode.REGISTER,
  Opcode.LOGOUT,
  Opcode.BROADCAST,
  Opcode.PRIVATE,
  Opcode.INFO_REQUEST,
  Opcode.LIST_REQUEST,
]);

/** Opcodes a server sends and a client accepts. */
export const SERVER_OPCODES: ReadonlySet<number> = new Set([
  Opcode.OK,
  Opcode.ERROR,
  Opcode.BROADCAST_FWD,
  Opcode.PRIVATE_FWD,
  Opcode.INFO_RESPONSE,
  Opcode.LIST_RESPONSE,
]);

const NAMES = new Map<number, OpcodeName>(
  (Object.entries(Opcode) as [OpcodeName, Opcode][]).map(([name, code]) => [code, name]),
);

export function isOpcode(value: number): value is Opcode {
  return NAMES.has(value);
}

/** The opcode's protocol name (`"BROADCAST"`), or `undefined` for an unknown number. */
export function opcodeName(value: number): OpcodeName | undefined {
  return NAMES.get(value);
}

import { fileURLToPath } from "node:url";
import {
  DEFAULT_MAX_MESSAGE_BYTES,
  MAX_DATA_BYTES,
  MAX_DATAGRAM_BYTES,
  MAX_NAME_BYTES,
} from "../../src/limits.js";
import { Opcode } from "../../src/opcodes.js";
import { invalid, valid } from "./packet-table.js";
import { messages, nameClashes, names } from "./text-table.js";

/** Where the package ships the vectors (the same relative path from src/ and dist/). */
export const VECTORS_FILE = fileURLToPath(new URL("../../vectors/vectors.json", import.meta.url));

/**
 * Bump when a field changes meaning or goes away; adding vectors does not bump it. 2: names
 * carry `lookAlike` (the revision 3 key) instead of `skeleton`.
 */
export const VECTORS_VERSION = 2;

/** Hex without the spaces and `|` the table uses for reading. */
function plainHex(hex: string): string {
  return hex.replace(/[\s|]/g, "").toLowerCase();
}

/** The content of vectors/vectors.json, built from the table. */
export function buildVectors() {
  return {
    version: VECTORS_VERSION,
    description:
      "Test vectors for CHAT UDP as @chat/protocol reads it (docs/protocol.md). Hex is the whole datagram for valid/invalid and the bare field for names/messages. Revision 3 (the address check): a valid packet may hold a REGISTER's `cookie` or a LOGOUT/LIST_REQUEST/BROADCAST/PRIVATE's `token`, and such a vector's optional `rfc` is how an RFC reader takes the same bytes (a packet with its rules result, or a refusal).",
    opcodes: Opcode,
    limits: {
      maxDatagramBytes: MAX_DATAGRAM_BYTES,
      maxDataBytes: MAX_DATA_BYTES,
      maxNameBytes: MAX_NAME_BYTES,
      defaultMaxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES,
    },
    valid: valid.map((vector) => ({ ...vector, hex: plainHex(vector.hex) })),
    invalid: invalid.map((vector) => ({ ...vector, hex: plainHex(vector.hex) })),
    names: names.map((vector) => ({ ...vector, hex: plainHex(vector.hex) })),
    messages: messages.map((vector) => ({ ...vector, hex: plainHex(vector.hex) })),
    nameClashes,
  };
}

/** The exact text of the file: two-space JSON with a final newline. */
export function serializeVectors(): string {
  return `${JSON.stringify(buildVectors(), null, 2)}\n`;
}

import {
  checkName,
  decode,
  foldName,
  MAX_MESSAGE_BYTES_CEILING,
  Opcode,
  validate,
} from "@chat/protocol";
import type { RosterEntry } from "./roster.js";

/** One message of the bus stream (see scripts.ts for the wire form). */
export type BusMessage =
  | { readonly seq: number; readonly kind: "J"; readonly entry: RosterEntry }
  | {
      readonly seq: number;
      readonly kind: "L";
      readonly node: string;
      readonly regSeq: number;
      readonly folded: string;
    }
  | { readonly seq: number; readonly kind: "N"; readonly node: string }
  | { readonly seq: number; readonly kind: "B"; readonly forward: Uint8Array }
  /** Numbered, but refused: it keeps its place in the order and is dropped (and counted). */
  | { readonly seq: number; readonly kind: "X" };

const NL = 0x0a;

/**
 * Parses a bus message: undefined without a number, kind "X" for anything this version
 * does not know or the codec refuses. What comes off the bus goes out to users as is, so
 * a broadcast must be a BROADCAST_FWD the codec accepts (name and message rules) and a
 * join a valid name: whatever else wrote to Redis, nothing malformed is fanned out.
 */
export function parseBusMessage(bytes: Buffer): BusMessage | undefined {
  const end = bytes.indexOf(NL);
  if (end <= 0) return undefined;
  const seq = Number(bytes.toString("latin1", 0, end));
  if (!Number.isSafeInteger(seq) || seq <= 0) return undefined;
  return parseBody(seq, bytes) ?? { seq, kind: "X" };
}

function parseBody(seq: number, bytes: Buffer): BusMessage | undefined {
  const end = bytes.indexOf(NL);
  if (bytes[end + 2] !== NL) return undefined;
  const kind = String.fromCharCode(bytes[end + 1] as number);
  const body = bytes.subarray(end + 3);
  if (kind === "B")
    return isForward(body, Opcode.BROADCAST_FWD) ? { seq, kind, forward: body } : undefined;
  const parts = body.toString("utf8").split("\n");
  if (kind === "J" && parts.length === 3) {
    const [node, folded, name] = parts as [string, string, string];
    const entry = { node, regSeq: seq, folded, name };
    return isListable(entry) ? { seq, kind, entry } : undefined;
  }
  if (kind === "L" && parts.length === 3) {
    const [node, regSeq, folded] = parts as [string, string, string];
    return { seq, kind, node, regSeq: Number(regSeq), folded };
  }
  if (kind === "N" && parts.length === 1) return { seq, kind, node: parts[0] as string };
  return undefined;
}

/** An inbox message, "folded\n<PRIVATE_FWD bytes>"; undefined unless the codec accepts it. */
export function parsePrivate(bytes: Buffer): { folded: string; forward: Uint8Array } | undefined {
  const end = bytes.indexOf(NL);
  if (end <= 0) return undefined;
  const forward = bytes.subarray(end + 1);
  if (!isForward(forward, Opcode.PRIVATE_FWD)) return undefined;
  return { folded: bytes.toString("utf8", 0, end), forward };
}

/**
 * A whole datagram of this opcode that decodes and passes the name and message rules. The
 * message ceiling is the protocol's: nodes may run with different `--max-message-bytes`.
 */
function isForward(bytes: Uint8Array, opcode: number): boolean {
  try {
    const packet = decode(bytes, { direction: "toClient" });
    if (packet.opcode !== opcode) return false;
    validate(packet, { maxMessageBytes: MAX_MESSAGE_BYTES_CEILING });
    return true;
  } catch {
    return false;
  }
}

/** A user the list may show: a name by the rules, filed under its own folded form. */
export function isListable(entry: RosterEntry): boolean {
  return checkName(entry.name) === undefined && foldName(entry.name) === entry.folded;
}

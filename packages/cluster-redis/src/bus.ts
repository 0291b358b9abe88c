import type { RosterEntry } from "./roster.js";

/** One message of the bus channel (see scripts.ts for the wire form). */
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
  | { readonly seq: number; readonly kind: "B"; readonly forward: Uint8Array };

const NL = 0x0a;

/** Parses a bus message; undefined for anything this version does not know. */
export function parseBusMessage(bytes: Buffer): BusMessage | undefined {
  const end = bytes.indexOf(NL);
  if (end <= 0 || bytes[end + 2] !== NL) return undefined;
  const seq = Number(bytes.toString("latin1", 0, end));
  if (!Number.isSafeInteger(seq) || seq <= 0) return undefined;
  const kind = String.fromCharCode(bytes[end + 1] as number);
  const body = bytes.subarray(end + 3);
  if (kind === "B") return { seq, kind, forward: body };
  const parts = body.toString("utf8").split("\n");
  if (kind === "J" && parts.length === 3) {
    const [node, folded, name] = parts as [string, string, string];
    return { seq, kind, entry: { node, regSeq: seq, folded, name } };
  }
  if (kind === "L" && parts.length === 3) {
    const [node, regSeq, folded] = parts as [string, string, string];
    return { seq, kind, node, regSeq: Number(regSeq), folded };
  }
  if (kind === "N" && parts.length === 1) return { seq, kind, node: parts[0] as string };
  return undefined;
}

/** A node-channel message: "folded\n<PRIVATE_FWD bytes>". */
export function parsePrivate(bytes: Buffer): { folded: string; forward: Uint8Array } | undefined {
  const end = bytes.indexOf(NL);
  if (end <= 0) return undefined;
  return { folded: bytes.toString("utf8", 0, end), forward: bytes.subarray(end + 1) };
}

import { clusters } from "./width.js";

/*
 * The server refuses a message over its largest size (1,024 bytes by default), so a long
 * line is sent as several messages, each cut between characters (never inside one, nor
 * between a letter and its combining marks), after a space where one is near the end.
 */

const utf8Bytes = (text: string) => Buffer.byteLength(text, "utf8");

/** Where a cut may fall back to the last space: within this share of the piece's end. */
const SPACE_WINDOW = 0.25;

/** `text` in pieces of at most `maxBytes` UTF-8 bytes each; one piece when it fits. */
export function splitMessage(text: string, maxBytes: number): string[] {
  if (utf8Bytes(text) <= maxBytes) return [text];
  const pieces: string[] = [];
  let piece: string[] = [];
  let bytes = 0;
  let lastSpace = -1;
  const flush = (upTo: number) => {
    pieces.push(piece.slice(0, upTo).join(""));
    piece = piece.slice(upTo);
    bytes = utf8Bytes(piece.join(""));
    lastSpace = piece.lastIndexOf(" ");
  };
  for (const cluster of clusters(text)) {
    const size = utf8Bytes(cluster);
    if (bytes + size > maxBytes && piece.length > 0) {
      const spaceBytes = lastSpace > 0 ? utf8Bytes(piece.slice(0, lastSpace + 1).join("")) : 0;
      flush(spaceBytes >= maxBytes * (1 - SPACE_WINDOW) ? lastSpace + 1 : piece.length);
    }
    // A single cluster over the limit (thousands of combining marks) is cut by code point.
    if (size > maxBytes) {
      for (const char of cluster) {
        if (bytes + utf8Bytes(char) > maxBytes) flush(piece.length);
        piece.push(char);
        bytes += utf8Bytes(char);
      }
      continue;
    }
    if (cluster === " ") lastSpace = piece.length;
    piece.push(cluster);
    bytes += size;
  }
  if (piece.length > 0) pieces.push(piece.join(""));
  return pieces.filter((part) => part.trim() !== "");
}

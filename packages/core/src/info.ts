import { encodeFrame, encodeUtf8, Opcode } from "@chat/protocol";

/** `2026-11-26T05:40:00Z chat-server/1.0.0`: UTC, ISO 8601 to the second. */
export function infoText(now: number, serverName: string, version: string): string {
  const iso = new Date(now).toISOString(); // 2026-11-26T05:40:00.123Z
  return `${iso.slice(0, 19)}Z ${serverName}/${version}`;
}

/** INFO_RESPONSE bytes, encoded at most once per second of `now`. */
export class InfoCache {
  private second = Number.NaN;
  private packet: Uint8Array = new Uint8Array(0);

  constructor(
    private readonly serverName: string,
    private readonly version: string,
  ) {}

  get(now: number): Uint8Array {
    const second = Math.floor(now / 1000);
    if (second !== this.second) {
      this.second = second;
      this.packet = encodeFrame(Opcode.INFO_RESPONSE, [
        encodeUtf8(infoText(now, this.serverName, this.version)),
      ]);
    }
    return this.packet;
  }
}

import {
  type ClientPacket,
  challengeToken,
  decode,
  ErrorText,
  encode,
  encodeFrame,
  Opcode,
} from "@chat/protocol";
import type { Fault } from "./fault-proxy.js";

/*
 * Faults that break one rule of revision 3's address check each, for the proxy in front of
 * our daemon; and a proxy that makes our daemon an RFC server without it.
 */

const TOKENED: ReadonlySet<number> = new Set([
  Opcode.LOGOUT,
  Opcode.LIST_REQUEST,
  Opcode.BROADCAST,
  Opcode.PRIVATE,
]);

/** A REGISTER's cookie: undefined for a plain one (or another opcode), "" when it asks. */
export function cookieOf(bytes: Uint8Array): string | undefined {
  if (bytes[0] !== Opcode.REGISTER) return undefined;
  // The LENGTH may hold a 0x00: only a NUL in the DATA counts.
  const nul = bytes.lastIndexOf(0);
  if (nul < 3) return undefined;
  return Buffer.from(bytes.subarray(nul + 1)).toString("latin1");
}

function textOf(bytes: Uint8Array, opcode: number): string | undefined {
  if (bytes[0] !== opcode) return undefined;
  const packet = decode(bytes);
  return packet.opcode === Opcode.ERROR ? packet.text : undefined;
}

function isChallenge(bytes: Uint8Array): boolean {
  const text = textOf(bytes, Opcode.ERROR);
  return text !== undefined && challengeToken(text) !== undefined;
}

/** Challenges with a token too short to be one. */
export const shortChallenge: Fault = {
  toClient: (bytes) =>
    isChallenge(bytes) ? [encode({ opcode: Opcode.ERROR, text: "address check: abc" })] : [bytes],
};

/** Never accepts a token: a REGISTER's cookie is emptied, so it is challenged again. */
export const refusesTokens: Fault = {
  toServer(bytes) {
    if (!cookieOf(bytes)) return [bytes];
    const nul = bytes.lastIndexOf(0);
    return [encodeFrame(Opcode.REGISTER, [bytes.subarray(3, nul), new Uint8Array()])];
  },
};

/** Accepts any token: the fresh challenge to a REGISTER with a cookie becomes OK. */
export function acceptsAnyToken(): Fault {
  const waiting = new Set<string>();
  return {
    toServer(bytes, _reply, peer) {
      if (cookieOf(bytes)) waiting.add(peer);
      return [bytes];
    },
    toClient(bytes, peer) {
      if (!waiting.has(peer)) return [bytes];
      if (bytes[0] === Opcode.OK) waiting.delete(peer);
      if (!isChallenge(bytes)) return [bytes];
      waiting.delete(peer);
      return [encode({ opcode: Opcode.OK })];
    },
  };
}

/** Ignores session tokens: each checked endpoint's requests that lack its token get it added. */
export function ignoresTokens(): Fault {
  const tokens = new Map<string, string>();
  return {
    toServer(bytes, _reply, peer) {
      const cookie = cookieOf(bytes);
      if (cookie) tokens.set(peer, cookie);
      const token = tokens.get(peer);
      if (token === undefined || !TOKENED.has(bytes[0] as number)) return [bytes];
      const packet = decode(bytes, { direction: "toServer" });
      if ("token" in packet && packet.token !== undefined) return [bytes];
      return [encode({ ...packet, token } as ClientPacket)];
    },
  };
}

/** Sends an unchecked user the whole list: ERROR `rate limited` becomes the last list seen. */
export function ignoresReplyBudget(): Fault {
  let lastList: Uint8Array | undefined;
  return {
    toClient(bytes) {
      if (bytes[0] === Opcode.LIST_RESPONSE) lastList = bytes;
      const limited = textOf(bytes, Opcode.ERROR) === ErrorText.RATE_LIMITED;
      return limited && lastList !== undefined ? [lastList] : [bytes];
    },
  };
}

/** An RFC server without revision 3: a REGISTER with a NUL is an invalid name. */
export const rfcServer: Fault = {
  toServer(bytes, reply) {
    if (bytes[0] !== Opcode.REGISTER || bytes.indexOf(0, 3) < 0) return [bytes];
    reply(
      encode({ opcode: Opcode.ERROR, text: `${ErrorText.USERNAME_INVALID_PREFIX}contains NUL` }),
    );
    return [];
  },
};

/** Hides from each client as many OKs as it is told the proxy provoked behind its back. */
function okHider() {
  const owed = new Map<string, number>();
  return {
    provoked(peer: string): void {
      owed.set(peer, (owed.get(peer) ?? 0) + 1);
    },
    toClient(bytes: Buffer, peer: string): Uint8Array[] {
      const count = owed.get(peer) ?? 0;
      if (bytes[0] !== Opcode.OK || count === 0) return [bytes];
      owed.set(peer, count - 1);
      return [];
    },
  };
}

/**
 * Never expires a silent user: its last REGISTER (a checked one's carries its token; one
 * that only asks for a cookie is not kept) is sent again every `everyMs` behind its back,
 * and the OKs to those are hidden.
 */
export function neverExpires(everyMs: number): Fault {
  const registers = new Map<string, Uint8Array>();
  const hider = okHider();
  return {
    toServer(bytes, _reply, peer) {
      if (bytes[0] === Opcode.REGISTER && cookieOf(bytes) !== "") registers.set(peer, bytes);
      return [bytes];
    },
    onClient(upstream, peer) {
      const timer = setInterval(() => {
        const register = registers.get(peer);
        if (register === undefined) return;
        hider.provoked(peer);
        upstream(register);
      }, everyMs);
      return () => clearInterval(timer);
    },
    toClient: hider.toClient,
  };
}

/**
 * Lets any packet keep a checked user alive: an INFO_REQUEST from an endpoint that
 * registered with a token is preceded by that REGISTER again, whose OK is hidden.
 */
export function refreshesOnAnyPacket(): Fault {
  const registers = new Map<string, Uint8Array>();
  const hider = okHider();
  return {
    toServer(bytes, _reply, peer) {
      if (cookieOf(bytes)) registers.set(peer, bytes);
      const register = registers.get(peer);
      if (bytes[0] !== Opcode.INFO_REQUEST || register === undefined) return [bytes];
      hider.provoked(peer);
      return [register, bytes];
    },
    toClient: hider.toClient,
  };
}

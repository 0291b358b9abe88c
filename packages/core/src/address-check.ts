import { createHmac, timingSafeEqual } from "node:crypto";
import type { ServerSettings } from "./settings.js";
import { TokenBucket } from "./token-bucket.js";
import type { Endpoint } from "./types.js";

/*
 * The address check of docs/protocol.md#revision-3-the-address-check: a token that proves an
 * endpoint receives what is sent to it, and costs the server no state until it comes back.
 * As QUIC's Retry tokens and DNS cookies (RFC 7873, RFC 9018) do: a MAC over the address,
 * the port and a time window, under a secret only the server knows.
 */

/** One time window of a token. A token is accepted in its own window and the next two. */
export const TOKEN_WINDOW_MS = 30_000;
/** So a token lives at least 60 s (the protocol's minimum) and at most 90 s. */
const WINDOWS_ACCEPTED = 3;
/** 22 base64url characters: 132 bits of the HMAC-SHA-256, far beyond any guessing. */
const MAC_CHARS = 22;

/**
 * Mints and checks tokens. The secret comes from outside (core reads no randomness, as it
 * reads no clock): the daemon makes one at start and hands over a new one now and then; the
 * one before stays valid, so no token dies early at a rotation. In a cluster every node is
 * given the same secrets (docs/cluster.md), so a token works on whichever node it reaches.
 */
export class AddressTokens {
  private current: Buffer;
  private previous: Buffer | undefined;

  constructor(secret: Uint8Array) {
    this.current = Buffer.from(secret);
  }

  /** A new secret; the old one still verifies the tokens it made. */
  rotate(secret: Uint8Array): void {
    this.previous = this.current;
    this.current = Buffer.from(secret);
  }

  /** The token for `endpoint` at `now`: `<window in base 36>.<mac>`, 16 to 64 printable bytes. */
  mint(endpoint: Endpoint, now: number): string {
    const window = Math.floor(now / TOKEN_WINDOW_MS);
    return `${window.toString(36)}.${mac(this.current, endpoint, window)}`;
  }

  /** Whether `cookie` is a token this server made for `endpoint` that has not expired. */
  verify(cookie: Uint8Array, endpoint: Endpoint, now: number): boolean {
    const text = Buffer.from(cookie.buffer, cookie.byteOffset, cookie.length).toString("latin1");
    const dot = text.indexOf(".");
    if (dot < 1 || text.length - dot - 1 !== MAC_CHARS) return false;
    const window = Number.parseInt(text.slice(0, dot), 36);
    const age = Math.floor(now / TOKEN_WINDOW_MS) - window;
    if (!Number.isSafeInteger(window) || age < 0 || age >= WINDOWS_ACCEPTED) return false;
    const given = cookie.subarray(dot + 1);
    if (tokenMatches(given, Buffer.from(mac(this.current, endpoint, window), "latin1")))
      return true;
    if (this.previous === undefined) return false;
    return tokenMatches(given, Buffer.from(mac(this.previous, endpoint, window), "latin1"));
  }
}

function mac(secret: Buffer, endpoint: Endpoint, window: number): string {
  return createHmac("sha256", secret)
    .update(`${endpoint.address}|${endpoint.port}|${window}`)
    .digest("base64url")
    .slice(0, MAC_CHARS);
}

/** Whether a session token sent with a packet is the one the user registered with. */
export function tokenMatches(sent: Uint8Array | undefined, held: Uint8Array): boolean {
  if (sent === undefined || sent.length !== held.length) return false;
  return timingSafeEqual(sent, held);
}

/**
 * The `auto` policy's sense of pressure: unchecked (plain RFC) users that are many, or that
 * arrive fast. Exempt networks never count. Under pressure a plain REGISTER is challenged,
 * so forged sources can hold only a bounded share of the server.
 */
export class AddressCheckPolicy {
  private readonly arrivals: TokenBucket;

  constructor(
    private readonly settings: ServerSettings,
    /** Unchecked users from networks that are not exempt, held now. */
    private readonly unchecked: () => number,
    now = 0,
  ) {
    const perSecond = settings.addressCheckUncheckedPerSecond;
    this.arrivals = new TokenBucket({ perSecond, burst: perSecond }, now);
  }

  /** Whether a plain REGISTER from a non-exempt address must first pass the check. */
  challengesPlain(now: number): boolean {
    const mode = this.settings.addressCheck;
    if (mode === "always") return true;
    if (mode === "off") return false;
    return (
      this.unchecked() >= this.settings.addressCheckMaxUnchecked || this.arrivals.available(now) < 1
    );
  }

  /** An unchecked user from a non-exempt address was added. */
  arrived(now: number): void {
    this.arrivals.take(now);
  }

  /** Whether the 3x rule binds unchecked users (not with `off`, the RFC as it was). */
  get boundsReplies(): boolean {
    return this.settings.addressCheck !== "off";
  }
}

import {
  type ClientPacket,
  challengeToken,
  checkName,
  ErrorText,
  encode,
  encodeFrame,
  encodeUtf8,
  Opcode,
  type ServerPacket,
} from "@chat/protocol";
import { assert, fail } from "./check.js";
import { describePacket, describeReceived, quote } from "./describe.js";
import type { Probe, Received } from "./probe.js";
import type { Settings } from "./settings.js";

type ListResponse = Extract<ServerPacket, { opcode: typeof Opcode.LIST_RESPONSE }>;
type Forward = Extract<ServerPacket, { opcode: 21 | 23 }>;

/** After a LIST_RESPONSE, how long to wait for a later one (a push may race a reply). */
const LIST_SETTLE_MS = 40;

/** Revision 3: the requests a checked endpoint sends with its session token. */
const TOKENED: ReadonlySet<number> = new Set([
  Opcode.LOGOUT,
  Opcode.LIST_REQUEST,
  Opcode.BROADCAST,
  Opcode.PRIVATE,
]);

/**
 * One tester endpoint with the expectations checks are written in. Every `expect…` waits
 * for the next datagram and fails with "expected X, got Y" when it is not X.
 * A LIST_RESPONSE may be pushed to a registered endpoint at any moment, so while the
 * endpoint may hold a name, an unrequested LIST_RESPONSE is passed over.
 */
export class TestClient {
  /** The name this endpoint registered with, as sent. */
  name: string | undefined;
  /** True once it has sent a REGISTER, until a LOGOUT is acknowledged. */
  mayHoldName = false;
  /**
   * Revision 3: the session token this endpoint registered with (the token of the server's
   * challenge), sent at the end of its LOGOUT, LIST_REQUEST, BROADCAST and PRIVATE; undefined
   * while it holds no checked name.
   */
  token: string | undefined;
  /** The target answered a cookie with `username is invalid`: an RFC server, so plain REGISTERs. */
  private rfcServer = false;

  constructor(
    private readonly probe: Probe,
    private readonly settings: Settings,
  ) {}

  /** Sends bytes exactly as given. */
  sendRaw(bytes: Uint8Array): void {
    if (bytes[0] === Opcode.REGISTER) this.mayHoldName = true;
    this.probe.sendRaw(bytes);
  }

  /**
   * Sends a well-framed packet (names and messages are not checked: checks send bad ones),
   * with this endpoint's session token where revision 3 wants one and the packet has none.
   */
  send(packet: ClientPacket): void {
    this.sendRaw(this.encode(packet));
  }

  /** The datagram `send` sends, for checks that send it many times. */
  encode(packet: ClientPacket): Uint8Array {
    if (this.token === undefined || !TOKENED.has(packet.opcode) || "token" in packet) {
      return encode(packet);
    }
    return encode({ ...packet, token: this.token } as ClientPacket);
  }

  /**
   * Sends a frame whose DATA parts (joined by NUL) may hold anything, NULs and bad UTF-8
   * included. A checked endpoint's BROADCAST and PRIVATE get its token as a last part, and
   * its LOGOUT and LIST_REQUEST without parts the token as their DATA; `sendRaw` adds nothing.
   */
  sendParts(opcode: number, ...parts: Array<string | Uint8Array>): void {
    const withToken =
      this.token !== undefined &&
      (opcode === Opcode.BROADCAST ||
        opcode === Opcode.PRIVATE ||
        (TOKENED.has(opcode) && parts.length === 0));
    const all = withToken ? [...parts, this.token as string] : parts;
    this.sendRaw(encodeFrame(opcode, all.map(bytesOf)));
  }

  /** REGISTER `name` as `registerAnswer` does, and expect OK. */
  async register(name: string): Promise<void> {
    const reply = await this.registerAnswer(name);
    const expected = `OK to REGISTER ${quote(name)}`;
    assert(reply.opcode === Opcode.OK, expected, describePacket(reply));
    this.name = name;
  }

  /**
   * REGISTER `name` as every client of the project does (revision 3): with a cookie first
   * (empty, or the session token this endpoint holds), then again with the token of the
   * server's challenge `address check: <token>`; after `username is invalid` to the cookie
   * (an RFC server: a name may hold no NUL) a plain REGISTER, and from then on only those.
   * Returns the final answer: OK, or the ERROR a check may expect.
   */
  async registerAnswer(name: string): Promise<ServerPacket> {
    if (!this.rfcServer) {
      const cookie = this.token ?? "";
      this.sendParts(Opcode.REGISTER, name, cookie);
      const first = await this.next(
        `OK or ERROR "address check: <token>" to REGISTER ${quote(name)} with a cookie`,
      );
      const token = first.opcode === Opcode.ERROR ? challengeToken(first.text) : undefined;
      if (token !== undefined) {
        this.sendParts(Opcode.REGISTER, name, token);
        const second = await this.next(`OK to REGISTER ${quote(name)} with the challenge's token`);
        if (second.opcode === Opcode.OK) this.token = token;
        return second;
      }
      const refusedCookie =
        first.opcode === Opcode.ERROR &&
        first.text.startsWith(ErrorText.USERNAME_INVALID_PREFIX) &&
        checkName(name) === undefined;
      if (!refusedCookie) return first;
      this.rfcServer = true;
    }
    this.sendParts(Opcode.REGISTER, name);
    return this.next(`OK to REGISTER ${quote(name)}`);
  }

  /** A plain REGISTER (the RFC's, no cookie); the answer. */
  async registerPlain(name: string): Promise<ServerPacket> {
    this.sendParts(Opcode.REGISTER, name);
    return this.next(`an answer to a plain REGISTER ${quote(name)}`);
  }

  /** LOGOUT and expect OK. */
  async logout(): Promise<void> {
    this.send({ opcode: Opcode.LOGOUT });
    await this.expectOk("OK to LOGOUT");
    this.name = undefined;
    this.mayHoldName = false;
    this.token = undefined;
  }

  /** The next datagram, pushes included; `undefined` when none arrives within `timeoutMs`. */
  receive(timeoutMs = this.settings.timeoutMs): Promise<Received | undefined> {
    return this.probe.receive(timeoutMs);
  }

  /** The next packet that answers something; `expected` names it for the failure. */
  async next(expected: string, options: { list?: boolean } = {}): Promise<ServerPacket> {
    const deadline = Date.now() + this.settings.timeoutMs;
    for (;;) {
      const received = await this.receive(Math.max(0, deadline - Date.now()));
      if (received === undefined) {
        fail(expected, `nothing within ${this.settings.timeoutMs} ms`);
      }
      if (!("packet" in received)) fail(expected, describeReceived(received));
      const packet = received.packet;
      if (packet.opcode === Opcode.LIST_RESPONSE && !options.list && this.mayHoldName) continue;
      return packet;
    }
  }

  async expectOk(expected = "OK"): Promise<void> {
    const packet = await this.next(expected);
    assert(packet.opcode === Opcode.OK, expected, describePacket(packet));
  }

  /** An ERROR whose text is exactly `text`. */
  async expectError(text: string): Promise<void> {
    const expected = `ERROR ${quote(text)}`;
    const packet = await this.next(expected);
    assert(
      packet.opcode === Opcode.ERROR && packet.text === text,
      expected,
      describePacket(packet),
    );
  }

  /** An ERROR whose text starts with `prefix` and gives a reason after it. */
  async expectErrorPrefix(prefix: string): Promise<string> {
    const expected = `ERROR ${quote(`${prefix}<reason>`)}`;
    const packet = await this.next(expected);
    assert(
      packet.opcode === Opcode.ERROR &&
        packet.text.startsWith(prefix) &&
        packet.text.length > prefix.length,
      expected,
      describePacket(packet),
    );
    return packet.text;
  }

  expectMalformed(): Promise<string> {
    return this.expectErrorPrefix(ErrorText.MALFORMED_PREFIX);
  }

  expectNameInvalid(): Promise<string> {
    return this.expectErrorPrefix(ErrorText.USERNAME_INVALID_PREFIX);
  }

  expectMessageInvalid(): Promise<string> {
    return this.expectErrorPrefix(ErrorText.MESSAGE_INVALID_PREFIX);
  }

  /** A BROADCAST_FWD or PRIVATE_FWD from exactly `sender` with exactly `message`. */
  async expectForward(
    opcode: typeof Opcode.BROADCAST_FWD | typeof Opcode.PRIVATE_FWD,
    sender: string,
    message: string,
  ): Promise<Forward> {
    const kind = opcode === Opcode.BROADCAST_FWD ? "BROADCAST_FWD" : "PRIVATE_FWD";
    const expected = `${kind} from ${quote(sender)}: ${quote(message)}`;
    const packet = await this.next(expected);
    assert(
      packet.opcode === opcode && packet.sender === sender && packet.message === message,
      expected,
      describePacket(packet),
    );
    return packet;
  }

  async expectInfo(): Promise<string> {
    const packet = await this.next("INFO_RESPONSE");
    assert(packet.opcode === Opcode.INFO_RESPONSE, "INFO_RESPONSE", describePacket(packet));
    return packet.text;
  }

  /**
   * Sends LIST_REQUEST and returns the names of the reply. A push sent just before the
   * request may arrive first, so the last LIST_RESPONSE of a short burst is the reply.
   */
  async list(): Promise<string[]> {
    this.send({ opcode: Opcode.LIST_REQUEST });
    let reply = await this.expectListResponse();
    for (;;) {
      const later = await this.receive(LIST_SETTLE_MS);
      if (later === undefined) return reply.names;
      if (!("packet" in later)) fail("LIST_RESPONSE", describeReceived(later));
      if (later.packet.opcode !== Opcode.LIST_RESPONSE) {
        fail("nothing after the LIST_RESPONSE", describePacket(later.packet));
      }
      reply = later.packet;
    }
  }

  async expectListResponse(): Promise<ListResponse> {
    const packet = await this.next("LIST_RESPONSE", { list: true });
    assert(packet.opcode === Opcode.LIST_RESPONSE, "LIST_RESPONSE", describePacket(packet));
    return packet;
  }

  /**
   * Nothing arrives for `silenceMs`. LIST_RESPONSE pushes are allowed while this endpoint
   * may hold a name, unless `strict`.
   */
  async expectSilence(expected = "nothing", options: { strict?: boolean; ms?: number } = {}) {
    const deadline = Date.now() + (options.ms ?? this.settings.silenceMs);
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) return;
      const received = await this.receive(left);
      if (received === undefined) return;
      const isPush =
        "packet" in received &&
        received.packet.opcode === Opcode.LIST_RESPONSE &&
        this.mayHoldName &&
        !options.strict;
      if (!isPush) fail(expected, describeReceived(received));
    }
  }

  /** Everything that arrives within `ms`. */
  async collect(ms: number): Promise<Received[]> {
    const all: Received[] = [];
    const deadline = Date.now() + ms;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) return all;
      const received = await this.receive(left);
      if (received === undefined) return all;
      all.push(received);
    }
  }

  /** Drops whatever has arrived so far. */
  async drain(): Promise<void> {
    while ((await this.receive(0)) !== undefined) {}
  }

  close(): Promise<void> {
    return this.probe.close();
  }
}

function bytesOf(part: string | Uint8Array): Uint8Array {
  return typeof part === "string" ? encodeUtf8(part) : part;
}

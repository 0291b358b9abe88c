import {
  type ClientPacket,
  challengeToken,
  ErrorText,
  encode,
  foldName,
  normalizeName,
  Opcode,
  type ServerPacket,
} from "@chat/protocol";
import { PendingBroadcasts } from "./broadcasts.js";
import { ChatSocket } from "./chat-socket.js";
import { type Pending, routeError } from "./error-routing.js";
import { ChatError, closedError, noAnswer, refused } from "./errors.js";
import { KeepAlive } from "./keep-alive.js";
import { Reconnector } from "./reconnect.js";
import { RequestQueue, sendResult } from "./request-queue.js";
import { retryDelay } from "./retry.js";
import { parseInfo } from "./server-info.js";
import { resolveSettings, type Settings } from "./settings.js";
import { SharedCall } from "./shared-call.js";
import { TypedEmitter } from "./typed-emitter.js";
import type { ClientEvents, ClientOptions, InfoResult, SendResult } from "./types.js";
import { UserListCollector } from "./user-list.js";
import { assertSendableMessage, assertSendableName } from "./validation.js";

/**
 * A CHAT UDP client: registers a name, sends and receives messages, keeps its name
 * registered (the keep-alive is a REGISTER of it) and registers again after an outage or
 * a restarted server. No UI; events carry what arrives.
 */
export class ChatClient extends TypedEmitter<ClientEvents> {
  readonly socket: ChatSocket;
  readonly #settings: Settings;
  readonly #requests: RequestQueue;
  readonly #broadcasts: PendingBroadcasts;
  readonly #users: UserListCollector;
  readonly #keepAlive: KeepAlive;
  readonly #reconnector: Reconnector;
  readonly #list: SharedCall<string[]>;
  readonly #info: SharedCall<InfoResult>;
  readonly #abort = new AbortController();
  #name: string | undefined;
  #folded: string | undefined;
  #closed = false;
  /**
   * Revision 3's address check: the session token this endpoint registered with, sent on
   * every LOGOUT, LIST_REQUEST, BROADCAST and PRIVATE; undefined against an RFC server.
   */
  #token: string | undefined;
  /** false once the server showed it does not know cookies (an RFC server). */
  #asksCookie = true;

  /** Opens a socket to the server without registering; call `register` next. */
  static async open(options: ClientOptions): Promise<ChatClient> {
    const { host, port, bindAddress, bindPort } = options;
    const socket = await ChatSocket.open({ host, port, bindAddress, bindPort, queueLimit: 0 });
    return new ChatClient(socket, options);
  }

  /** Wraps an open socket (made with `queueLimit: 0`, as the client only listens). */
  constructor(socket: ChatSocket, options: ClientOptions) {
    super();
    this.socket = socket;
    const client = this;
    const settings = resolveSettings(options);
    this.#settings = settings;
    const send = (packet: ClientPacket) => this.#send(packet);
    const waitMs = (attempt: number) => retryDelay(settings, attempt);
    const timeout = (tries: number) => noAnswer(settings.host, settings.port, tries);
    this.#requests = new RequestQueue(send, settings);
    this.#broadcasts = new PendingBroadcasts(settings.confirmTimeoutMs);
    this.#users = new UserListCollector(settings.listMergeMs, (names) => this.#onUsers(names));
    const listRequest = () => send(this.#signed({ opcode: Opcode.LIST_REQUEST }));
    this.#list = new SharedCall(listRequest, waitMs, timeout);
    this.#info = new SharedCall(() => send({ opcode: Opcode.INFO_REQUEST }), waitMs, timeout);
    this.#keepAlive = new KeepAlive(
      settings.keepAliveMs,
      settings.deadAfterMissed,
      // A REGISTER proves (and restores) registration; INFO would only prove the server is up.
      (missed) =>
        settings.autoReregister ? this.#reconnector.refresh(missed) : this.#info.probe(),
      (missed) => this.#reconnector.lost(`${missed} keep-alives unanswered`),
    );
    this.#reconnector = new Reconnector(
      {
        get heldName() {
          return client.#closed ? undefined : client.#name;
        },
        registerOnce: (name, tries) => this.#registerOnce(name, tries),
        askList: () => this.#list.probe(),
        forgetName: () => this.#setName(undefined),
        connection: (event) => this.emit("connection", event),
        keepAliveTooLong: (forgottenAfterMs) =>
          this.emit("keepAliveTooLong", { keepAliveMs: settings.keepAliveMs, forgottenAfterMs }),
      },
      this.#keepAlive,
      settings,
      this.#abort.signal,
    );
    socket.onPacket((packet) => this.#onPacket(packet));
    socket.onMalformed((error, bytes) => {
      this.#keepAlive.heard();
      this.emit("malformed", { reason: error.message, bytes });
    });
  }

  /** The registered name (as the server stores it, NFC), or undefined. */
  get name(): string | undefined {
    return this.#name;
  }

  get registered(): boolean {
    return this.#name !== undefined;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Registers `name`; resolves on OK, rejects with the server's ERROR text or a timeout. */
  async register(name: string): Promise<void> {
    this.#assertOpen();
    assertSendableName(name);
    await this.#registerOnce(name);
    this.#setName(name);
    this.#reconnector.registered();
    this.emit("connection", { state: "registered" });
    this.#keepAlive.start();
  }

  /**
   * Changes the registered name: LOGOUT, then REGISTER `name` (the protocol has no rename).
   * When the new name is refused, the old one is registered again and the refusal is
   * thrown; if even the old name cannot be had back, a `refused` connection event says so
   * and the client holds no name. Without a name held, this is `register`.
   */
  async rename(name: string): Promise<void> {
    this.#assertOpen();
    assertSendableName(name);
    const old = this.#name;
    if (old === undefined) return this.register(name);
    try {
      await this.logout();
      await this.register(name);
    } catch (error) {
      try {
        await this.register(old);
      } catch (restoreError) {
        const reason = restoreError instanceof Error ? restoreError.message : String(restoreError);
        this.emit("connection", { state: "refused", reason });
      }
      throw error;
    }
  }

  /** Sends to everyone; delivered once our own copy comes back. */
  async broadcast(message: string): Promise<SendResult> {
    this.#assertOpen();
    assertSendableMessage(message, this.#settings.maxMessageBytes);
    const result = this.#broadcasts.track(message);
    this.#send(this.#signed({ opcode: Opcode.BROADCAST, message }));
    return result;
  }

  /** Sends to one user, once (never repeated); delivered on the server's OK. */
  async sendPrivate(to: string, message: string): Promise<SendResult> {
    this.#assertOpen();
    assertSendableName(to);
    assertSendableMessage(message, this.#settings.maxMessageBytes);
    return new Promise((resolve) => {
      this.#requests.push({
        kind: "private",
        packet: this.#signed({ opcode: Opcode.PRIVATE, receiver: to, message }),
        maxTries: 1,
        waitMs: () => this.#settings.confirmTimeoutMs,
        settle: (outcome) => resolve(sendResult(outcome)),
      });
    });
  }

  /** The registered users, oldest first, merged across the packets of one list. */
  async list(): Promise<string[]> {
    this.#assertOpen();
    return this.#list.join(this.#settings.retries + 1);
  }

  /** Asks the server's date and version; also measures the round-trip time. */
  async info(): Promise<InfoResult> {
    this.#assertOpen();
    return this.#info.join(this.#settings.retries + 1);
  }

  /** Gives the name up. The client stays open and can register again. */
  async logout(): Promise<void> {
    this.#assertOpen();
    const packet = this.#signed({ opcode: Opcode.LOGOUT });
    this.#setName(undefined);
    this.#keepAlive.stop();
    await this.#requests.expectOk("logout", packet);
  }

  /** Closes the client; by default it first sends one LOGOUT so the name is freed at once. */
  async close(options: { logout?: boolean } = {}): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const wasRegistered = this.#name !== undefined;
    const logout = encode(this.#signed({ opcode: Opcode.LOGOUT }));
    this.#setName(undefined);
    this.#abort.abort();
    this.#keepAlive.stop();
    this.#users.cancel();
    this.#requests.close();
    this.#broadcasts.clear();
    this.#list.reject(closedError());
    this.#info.reject(closedError());
    if (wasRegistered && options.logout !== false) {
      await this.socket.sendRawAndFlush(logout);
    }
    await this.socket.close();
    this.emit("connection", { state: "closed" });
  }

  #onPacket(packet: ServerPacket): void {
    this.#keepAlive.heard();
    if (this.hasListeners("packet")) this.emit("packet", { packet });
    switch (packet.opcode) {
      case Opcode.OK:
        this.#requests.handleOk();
        break;
      case Opcode.ERROR:
        this.#onError(packet.text);
        break;
      case Opcode.BROADCAST_FWD: {
        const self = this.#isSelf(packet.sender);
        if (self) this.#broadcasts.confirm(packet.message);
        this.emit("broadcast", { from: packet.sender, message: packet.message, self });
        break;
      }
      case Opcode.PRIVATE_FWD:
        this.emit("private", { from: packet.sender, message: packet.message });
        break;
      case Opcode.INFO_RESPONSE:
        this.#onInfo(packet.text);
        break;
      case Opcode.LIST_RESPONSE:
        this.#list.answered();
        this.#users.add(packet.names);
        break;
    }
  }

  #onInfo(text: string): void {
    const exchange = this.#info.answered();
    if (!exchange) return; // a late duplicate: proof of life only
    const result = parseInfo(text, performance.now() - exchange.lastSentAt);
    if (!exchange.retransmitted) this.emit("rtt", { ms: result.rttMs });
    this.emit("info", result);
    this.#info.resolve(result);
  }

  #onUsers(names: string[]): void {
    this.emit("users", { names });
    this.#list.resolve(names);
  }

  #onError(text: string): void {
    if (text === ErrorText.SHUTTING_DOWN) {
      this.emit("shutdown", {});
      this.#reconnector.lost(text);
      return;
    }
    const pending: Array<Pending & { fail: () => void }> = [];
    const head = this.#requests.inFlight;
    if (head) pending.push({ ...head, fail: () => this.#requests.handleError(text) });
    const listSentAt = this.#list.sentAt;
    if (listSentAt !== undefined) {
      pending.push({
        kind: "list",
        sentAt: listSentAt,
        fail: () => this.#list.reject(refused(text)),
      });
    }
    const broadcastSentAt = this.#broadcasts.oldestSentAt;
    if (broadcastSentAt !== undefined) {
      const fail = () => this.#broadcasts.failOldest(text);
      pending.push({ kind: "broadcast", sentAt: broadcastSentAt, fail });
    }
    const target = routeError(pending, text);
    if (target) target.fail();
    else this.emit("error", { text });
    if (text === ErrorText.NOT_REGISTERED) this.#reconnector.forgotten();
  }

  /**
   * One REGISTER exchange with the address check (docs/protocol.md#revision-3-the-address-check):
   * the held token as cookie (an empty one asks for a token), the challenge's token next, so a
   * fresh registration takes two round trips and a keep-alive one. An RFC server refuses the
   * cookie's NUL as `username is invalid`: then a plain REGISTER, and plain ones from then on.
   */
  async #registerOnce(name: string, tries?: number): Promise<void> {
    if (!this.#asksCookie) return this.#registerWith({ opcode: Opcode.REGISTER, name }, tries);
    let cookie = this.#token ?? "";
    let fresh = 0;
    let echoes = 0;
    for (;;) {
      try {
        await this.#registerWith({ opcode: Opcode.REGISTER, name, cookie }, tries);
        this.#token = cookie === "" ? undefined : cookie;
        return;
      } catch (error) {
        const text = error instanceof ChatError ? error.serverText : undefined;
        const token = text === undefined ? undefined : challengeToken(text);
        // A challenge for the token just sent is the earlier one, duplicated or reordered on
        // the way: not an answer to this REGISTER, so it goes again (a few times at most). A
        // second new challenge in a row means the token did not survive (a restart, a NAT
        // rebinding): one more try, then the refusal stands.
        if (token !== undefined && (token === cookie ? echoes++ < 3 : fresh++ < 2)) {
          cookie = token;
          continue;
        }
        if (text?.startsWith(ErrorText.USERNAME_INVALID_PREFIX) && cookie === "") {
          await this.#registerWith({ opcode: Opcode.REGISTER, name }, tries);
          this.#asksCookie = false;
          this.#token = undefined;
          return;
        }
        throw error;
      }
    }
  }

  async #registerWith(packet: ClientPacket, tries?: number): Promise<void> {
    const rttMs = await this.#requests.expectOk("register", packet, tries);
    if (rttMs !== undefined) this.emit("rtt", { ms: rttMs });
  }

  /** The packet with the session token, when this endpoint registered with one. */
  #signed<P extends ClientPacket>(packet: P): P {
    return this.#token === undefined ? packet : { ...packet, token: this.#token };
  }

  #setName(name: string | undefined): void {
    this.#name = name === undefined ? undefined : normalizeName(name);
    this.#folded = name === undefined ? undefined : foldName(name);
  }

  #isSelf(sender: string): boolean {
    return (
      sender === this.#name || (this.#folded !== undefined && foldName(sender) === this.#folded)
    );
  }

  #send(packet: ClientPacket): void {
    if (!this.#closed) this.socket.send(packet);
  }

  #assertOpen(): void {
    if (this.#closed) throw closedError();
  }
}

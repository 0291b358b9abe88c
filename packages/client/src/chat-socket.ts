import { createSocket, type RemoteInfo, type Socket } from "node:dgram";
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { type ClientPacket, decode, encode, type ServerPacket } from "@chat/protocol";
import { ChatError } from "./errors.js";

export interface ChatSocketOptions {
  /** Server host name or address; picks udp4 or udp6. */
  host: string;
  port: number;
  /** Local address to bind (default: any). */
  bindAddress?: string;
  /** Local port to bind (default: 0, an ephemeral port). */
  bindPort?: number;
  /**
   * Packets kept for `next()` when no waiter matches; beyond it the oldest is dropped.
   * 0 keeps none (push-only use through `onPacket`). Default 1024.
   */
  queueLimit?: number;
  /** Accept datagrams from any source, not only from host:port. Default false. */
  acceptAnySource?: boolean;
}

export type PacketListener = (packet: ServerPacket, bytes: Buffer, from: RemoteInfo) => void;
export type MalformedListener = (error: Error, bytes: Buffer, from: RemoteInfo) => void;
export type PacketPredicate = (packet: ServerPacket) => boolean;

interface Waiter {
  predicate: PacketPredicate | undefined;
  resolve: (packet: ServerPacket | undefined) => void;
  timer: NodeJS.Timeout;
}

const DEFAULT_QUEUE_LIMIT = 1024;
const DEFAULT_NEXT_TIMEOUT_MS = 1000;

/**
 * One UDP socket talking CHAT UDP to one server: encodes what it sends, decodes what it
 * receives (as a client: direction "toClient"), never throws on bad input. Push-style
 * (`onPacket`) and pull-style (`next`) reception can be mixed; `next` sees a packet only
 * if it was waiting for it or the packet was buffered.
 */
export class ChatSocket {
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly #socket: Socket;
  readonly #queueLimit: number;
  readonly #acceptAnySource: boolean;
  readonly #queue: ServerPacket[] = [];
  readonly #waiters: Waiter[] = [];
  readonly #packetListeners: PacketListener[] = [];
  readonly #malformedListeners: MalformedListener[] = [];
  readonly #errorListeners: Array<(error: Error) => void> = [];
  #closed = false;

  private constructor(socket: Socket, address: string, options: ChatSocketOptions) {
    this.#socket = socket;
    this.remoteAddress = address;
    this.remotePort = options.port;
    this.#queueLimit = options.queueLimit ?? DEFAULT_QUEUE_LIMIT;
    this.#acceptAnySource = options.acceptAnySource ?? false;
    socket.on("message", (bytes, from) => this.#receive(bytes, from));
    socket.on("error", (error) => {
      for (const listener of this.#errorListeners) listener(error);
    });
  }

  /** Resolves the host, binds a socket of the matching family and returns it ready to use. */
  static async open(options: ChatSocketOptions): Promise<ChatSocket> {
    const { address, family } = await resolveHost(options.host);
    const socket = createSocket({ type: family === 6 ? "udp6" : "udp4" });
    await new Promise<void>((resolve, reject) => {
      socket.once("error", reject);
      socket.bind({ address: options.bindAddress, port: options.bindPort ?? 0 }, () => {
        socket.off("error", reject);
        resolve();
      });
    }).catch((error: unknown) => {
      socket.close();
      throw error;
    });
    return new ChatSocket(socket, address, options);
  }

  get localPort(): number {
    return this.#socket.address().port;
  }

  get localAddress(): string {
    return this.#socket.address().address;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Encodes and sends one packet. Throws EncodeError if it cannot be encoded. */
  send(packet: ClientPacket): void {
    this.sendRaw(encode(packet));
  }

  /** Sends arbitrary bytes as one datagram (conformance and fuzz tests). */
  sendRaw(bytes: Uint8Array): void {
    if (this.#closed) throw new ChatError("CLOSED", "socket is closed");
    this.#socket.send(bytes, this.remotePort, this.remoteAddress);
  }

  /** Like `sendRaw`, resolving once the datagram has left (or failed to). */
  sendRawAndFlush(bytes: Uint8Array): Promise<Error | undefined> {
    if (this.#closed) return Promise.resolve(new ChatError("CLOSED", "socket is closed"));
    return new Promise((resolve) => {
      this.#socket.send(bytes, this.remotePort, this.remoteAddress, (error) =>
        resolve(error ?? undefined),
      );
    });
  }

  /**
   * The next received packet that matches `predicate` (or any packet), taken from the
   * buffer first; `undefined` after `timeoutMs` or when the socket closes.
   */
  next(timeoutMs?: number): Promise<ServerPacket | undefined>;
  next(
    predicate: PacketPredicate | undefined,
    timeoutMs?: number,
  ): Promise<ServerPacket | undefined>;
  next(
    predicateOrTimeout?: PacketPredicate | number,
    timeoutMs = DEFAULT_NEXT_TIMEOUT_MS,
  ): Promise<ServerPacket | undefined> {
    let predicate: PacketPredicate | undefined;
    if (typeof predicateOrTimeout === "number") timeoutMs = predicateOrTimeout;
    else predicate = predicateOrTimeout;
    const index = predicate ? this.#queue.findIndex(predicate) : this.#queue.length ? 0 : -1;
    if (index >= 0) return Promise.resolve(this.#queue.splice(index, 1)[0]);
    if (this.#closed) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        predicate,
        resolve,
        timer: setTimeout(() => {
          this.#removeWaiter(waiter);
          resolve(undefined);
        }, timeoutMs),
      };
      this.#waiters.push(waiter);
    });
  }

  /** Packets buffered for `next()`, oldest first (a copy). */
  buffered(): ServerPacket[] {
    return this.#queue.slice();
  }

  /** Empties the buffer of `next()`. */
  clearBuffer(): void {
    this.#queue.length = 0;
  }

  /** Calls `listener` for every decoded packet from the server; returns an unsubscribe. */
  onPacket(listener: PacketListener): () => void {
    return subscribe(this.#packetListeners, listener);
  }

  /** Calls `listener` for every datagram that fails to decode, with the ProtocolError. */
  onMalformed(listener: MalformedListener): () => void {
    return subscribe(this.#malformedListeners, listener);
  }

  /** Socket-level errors (a send that failed, ...). Without a listener they are ignored. */
  onError(listener: (error: Error) => void): () => void {
    return subscribe(this.#errorListeners, listener);
  }

  /** Closes the socket; pending `next()` calls resolve `undefined`. Safe to call twice. */
  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    for (const waiter of this.#waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.resolve(undefined);
    }
    this.#queue.length = 0;
    return new Promise((resolve) => this.#socket.close(() => resolve()));
  }

  #receive(bytes: Buffer, from: RemoteInfo): void {
    if (this.#closed) return;
    if (!this.#acceptAnySource && !this.#fromServer(from)) return;
    let packet: ServerPacket;
    try {
      // Direction "toClient" admits only server opcodes, so the result is a ServerPacket.
      packet = decode(bytes, { direction: "toClient" }) as ServerPacket;
    } catch (error) {
      const reason = error instanceof Error ? error : new Error(String(error));
      for (const listener of this.#malformedListeners) listener(reason, bytes, from);
      return;
    }
    for (const listener of this.#packetListeners) listener(packet, bytes, from);
    for (let i = 0; i < this.#waiters.length; i++) {
      const waiter = this.#waiters[i] as Waiter;
      if (waiter.predicate && !waiter.predicate(packet)) continue;
      this.#waiters.splice(i, 1);
      clearTimeout(waiter.timer);
      waiter.resolve(packet);
      return;
    }
    if (this.#queueLimit === 0) return;
    if (this.#queue.length >= this.#queueLimit) this.#queue.shift();
    this.#queue.push(packet);
  }

  #fromServer(from: RemoteInfo): boolean {
    return from.port === this.remotePort && from.address === this.remoteAddress;
  }

  #removeWaiter(waiter: Waiter): void {
    const index = this.#waiters.indexOf(waiter);
    if (index >= 0) this.#waiters.splice(index, 1);
  }
}

function subscribe<T>(list: T[], listener: T): () => void {
  list.push(listener);
  return () => {
    const index = list.indexOf(listener);
    if (index >= 0) list.splice(index, 1);
  };
}

async function resolveHost(name: string): Promise<{ address: string; family: 4 | 6 }> {
  const host = name.startsWith("[") && name.endsWith("]") ? name.slice(1, -1) : name;
  const literal = isIP(host);
  if (literal !== 0) return { address: host, family: literal === 6 ? 6 : 4 };
  const found = await lookup(host);
  return { address: found.address, family: found.family === 6 ? 6 : 4 };
}

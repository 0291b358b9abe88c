import { ChatSocket } from "@chat/client";
import type { ServerPacket } from "@chat/protocol";

/*
 * The one place the kit touches UDP: a thin adapter over @chat/client's low-level
 * ChatSocket. Checks see every datagram in arrival order, decodable or not, with its size
 * (replies to strangers have a size limit), so this keeps its own queue instead of
 * ChatSocket's predicate-based `next`.
 */

export interface Target {
  readonly host: string;
  readonly port: number;
}

/** One datagram from the server: its decoded packet, or why it could not be decoded. */
export type Received =
  | { readonly packet: ServerPacket; readonly size: number }
  | { readonly undecodable: string; readonly size: number };

export interface Probe {
  /** Sends one datagram exactly as given (checks build good and bad frames themselves). */
  sendRaw(bytes: Uint8Array): void;
  /** The next datagram from the server, or `undefined` when none arrives within `timeoutMs`. */
  receive(timeoutMs: number): Promise<Received | undefined>;
  close(): Promise<void>;
}

export async function openProbe(target: Target): Promise<Probe> {
  // queueLimit 0: ChatSocket buffers nothing itself; every datagram comes through listeners.
  const socket = await ChatSocket.open({ host: target.host, port: target.port, queueLimit: 0 });
  return new SocketProbe(socket);
}

class SocketProbe implements Probe {
  private readonly queue: Received[] = [];
  private waiter: ((received: Received | undefined) => void) | undefined;

  constructor(private readonly socket: ChatSocket) {
    socket.onPacket((packet, bytes) => this.push({ packet, size: bytes.length }));
    socket.onMalformed((error, bytes) =>
      this.push({ undecodable: error.message, size: bytes.length }),
    );
    // ICMP port-unreachable surfaces as a socket error on some systems; a silent server is
    // what the checks report, so it is not fatal here.
    socket.onError(() => {});
  }

  sendRaw(bytes: Uint8Array): void {
    if (!this.socket.closed) this.socket.sendRaw(bytes);
  }

  receive(timeoutMs: number): Promise<Received | undefined> {
    const queued = this.queue.shift();
    if (queued !== undefined || this.socket.closed) return Promise.resolve(queued);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        resolve(undefined);
      }, timeoutMs);
      this.waiter = (received) => {
        clearTimeout(timer);
        this.waiter = undefined;
        resolve(received);
      };
    });
  }

  close(): Promise<void> {
    this.waiter?.(undefined);
    return this.socket.close();
  }

  private push(received: Received): void {
    if (this.waiter !== undefined) this.waiter(received);
    else this.queue.push(received);
  }
}

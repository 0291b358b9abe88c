import type { Socket } from "node:dgram";
import type { Datagram, Endpoint } from "@chat/core";
import type { Transport } from "./fanout.js";

export const TRANSPORTS = ["auto", "native", "dgram"] as const;
/** `--transport`: auto picks native when the addon is built and loads, else dgram. */
export type TransportChoice = (typeof TRANSPORTS)[number];

/** The daemon's send path: collects core's datagrams, hands them to the kernel. */
export interface Outbound {
  /** Queues (native) or sends at once (dgram) in FIFO order. */
  enqueue(datagrams: readonly Datagram[]): void;
  /** Sends everything enqueued since the last flush (native: one sendmmsg batch). */
  flush(): void;
  /** Resolves once everything enqueued so far has left. */
  idle(): Promise<void>;
  readonly queuedSends: number;
  /**
   * Copies handed to the kernel and their bytes; `waits`: times a send found the kernel
   * without room (EAGAIN, ENOBUFS) and waited for the socket, by code. Native only:
   * node:dgram's waits happen inside libuv's queue, where nothing counts them.
   */
  readonly counters: {
    readonly sends: number;
    readonly bytes: number;
    readonly waits?: Readonly<Record<string, number>>;
  };
}

/** What the daemon hears from the socket. */
export interface LinkHandlers {
  /** One received datagram; with native, `bytes` is valid only during the call. */
  datagram(bytes: Buffer, from: Endpoint): void;
  /** The end of a batch of received datagrams: time to flush. */
  batchEnd(): void;
  socketError(error: Error): void;
  sendError(error: Error): void;
  overflow(sends: number): void;
}

/** A bound UDP socket with its send path. */
export interface Link {
  readonly kind: "native" | "dgram";
  /** Why this transport runs, for the startup line. */
  readonly why: string;
  readonly address: string;
  readonly port: number;
  readonly outbound: Outbound;
  close(): Promise<void>;
}

export interface LinkOptions {
  readonly host: string;
  readonly port: number;
  readonly choice: TransportChoice;
  /** Tests, dgram only: wraps the socket's send to inject failures. */
  readonly dgramTransport?: (socket: Socket) => Transport;
  /** Tests, native only: makes the copy to an endpoint fail with this error. */
  readonly nativeFault?: (port: number, address: string) => Error | undefined;
}

/** Kernel buffers: bigger ones absorb bursts (a list push to 10,000 users); the OS caps them. */
export const SOCKET_BUFFER_BYTES = 4 * 1024 * 1024;

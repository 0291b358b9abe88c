import { type AddonLoad, loadAddon, type NativeHandle, type UdpBatchBinding } from "./addon.js";
import { BatchSender, type BatchSenderOptions } from "./batch-sender.js";
import type { Layout } from "./layout.js";
import { type AddressWords, type Endpoint, type ErrnoError, errnoError } from "./types.js";

export interface BatchSocketOptions extends BatchSenderOptions {
  /** An IPv4 or IPv6 literal; the socket's family follows it (IPv6 sockets are dual-stack). */
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** Datagrams read per recvmmsg(2). */
  readonly slots?: number;
  /** Called for each datagram of a batch. `bytes` is valid only during the call. */
  readonly onDatagram: (bytes: Buffer, from: Endpoint) => void;
  /** Called after the last datagram of a batch: the moment to flush what it produced. */
  readonly onBatchEnd: () => void;
  /** A receive-side socket error (recvmmsg, poll), by code. */
  readonly onError: (error: ErrnoError) => void;
  /** The addon to use; default: the one `pnpm install` built. Tests pass a loaded one. */
  readonly addon?: AddonLoad;
}

/** Bytes per receive slot: more than the largest UDP payload, so nothing is truncated (the
 * addon refuses slots under layout.MIN_SLOT_BYTES). */
const SLOT_BYTES = 65_536;
/** Endpoints and addresses remembered at most, so spoofed sources cannot grow memory. */
const MAX_CACHED = 65_536;
/** Keys for v4-mapped IPv6 sources start here, above every IPv4 key (2^32 * 2^16). */
const MAPPED_KEY_BASE = 2 ** 48;

/**
 * A UDP socket that reads many datagrams per wake-up (recvmmsg) and writes many per
 * syscall (sendmmsg), through the addon. The addon owns the file descriptor; after
 * close() no call reaches it again, so a batch that outlives the socket can never write
 * to a descriptor number the process has reused.
 */
export class BatchSocket {
  readonly family: 4 | 6;
  readonly address: string;
  readonly port: number;
  readonly sender: BatchSender;
  readonly #binding: UdpBatchBinding;
  readonly #handle: NativeHandle;
  readonly #recv: Buffer;
  readonly #meta: Uint32Array;
  readonly #scratch: Uint32Array;
  readonly #layout: Layout;
  readonly #onDatagram: (bytes: Buffer, from: Endpoint) => void;
  readonly #onBatchEnd: () => void;
  readonly #onError: (error: ErrnoError) => void;
  /** Received sources by numeric key (IPv4, v4-mapped) or text (other IPv6). */
  readonly #endpoints = new Map<number | string, Endpoint>();
  /** Send-side form of every address seen, by its text. */
  readonly #words = new Map<string, AddressWords>();
  #closed = false;

  /** Opens and binds; throws the bind error (EADDRINUSE, ...) or if the addon is absent. */
  constructor(options: BatchSocketOptions) {
    const addon = options.addon ?? loadAddon();
    if (!addon.ok) throw new Error(`udp-batch: ${addon.reason}`);
    this.#binding = addon.binding;
    const layout = addon.layout;
    this.#layout = layout;
    this.family = options.host.includes(":") ? 6 : 4;
    const slots = options.slots ?? 64;
    this.#recv = Buffer.alloc(slots * SLOT_BYTES);
    this.#meta = new Uint32Array(slots * layout.META_WORDS);
    this.#scratch = new Uint32Array(layout.SCRATCH_WORDS);
    this.#onDatagram = options.onDatagram;
    this.#onBatchEnd = options.onBatchEnd;
    this.#onError = options.onError;
    this.sender = new BatchSender(
      {
        layout,
        words: (address) => this.#addressWords(address),
        send: (rows) => this.#binding.send(this.#handle, rows),
        awaitWritable: () => this.#binding.awaitWritable(this.#handle),
      },
      options,
    );
    this.#handle = this.#binding.open({
      family: this.family,
      host: options.host,
      port: options.port,
      recv: this.#recv,
      meta: this.#meta,
      ...this.sender.buffers,
      scratch: this.#scratch,
      onBatch: this.#onBatch,
      onWritable: () => this.sender.writable(),
      onError: (code, syscall, errno) => this.#onError(errnoError(code, errno, syscall)),
    });
    [this.address, this.port] = this.#binding.localAddress(this.#handle);
  }

  /** SO_RCVBUF and SO_SNDBUF; the OS caps them (net.core.rmem_max, wmem_max). */
  setBufferSizes(receive: number, send: number): void {
    this.#binding.setBufferSizes(this.#handle, receive, send);
  }

  /** The descriptor number while open, -1 after close(). */
  get fd(): number {
    return this.#binding.fd(this.#handle);
  }

  /** Stops reading and sending at once; whatever is still queued is dropped. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.sender.close();
    this.#binding.close(this.#handle);
  }

  readonly #onBatch = (count: number): void => {
    const meta = this.#meta;
    const { META_WORDS, META_LENGTH } = this.#layout;
    for (let i = 0; i < count && !this.#closed; i++) {
      const row = i * META_WORDS;
      const start = i * SLOT_BYTES;
      const from = this.#endpoint(i, row);
      this.#onDatagram(this.#recv.subarray(start, start + meta[row + META_LENGTH]!), from);
    }
    if (!this.#closed) this.#onBatchEnd();
  };

  /** The source of datagram `slot`, one object per endpoint while it is remembered. */
  #endpoint(slot: number, row: number): Endpoint {
    const meta = this.#meta;
    const { META_PORT, META_SCOPE, META_ADDRESS } = this.#layout;
    const port = meta[row + META_PORT]!;
    const scope = meta[row + META_SCOPE]!;
    const a0 = meta[row + META_ADDRESS]!;
    const a1 = meta[row + META_ADDRESS + 1]!;
    const a2 = meta[row + META_ADDRESS + 2]!;
    const a3 = meta[row + META_ADDRESS + 3]!;
    let key: number | string;
    if (this.family === 4) key = a0 * 65_536 + port;
    else if (a0 === 0 && a1 === 0 && a2 === MAPPED_WORD && scope === 0)
      key = MAPPED_KEY_BASE + a3 * 65_536 + port;
    else key = `${a0},${a1},${a2},${a3},${scope},${port}`;
    const known = this.#endpoints.get(key);
    if (known !== undefined) return known;
    if (this.#endpoints.size >= MAX_CACHED) this.#endpoints.clear();
    const address = this.#binding.formatAddress(this.#handle, slot);
    const endpoint: Endpoint = { address, port };
    this.#endpoints.set(key, endpoint);
    if (!this.#words.has(address)) {
      if (this.#words.size >= MAX_CACHED) this.#words.clear();
      this.#words.set(address, { scope, a0, a1, a2, a3 });
    }
    return endpoint;
  }

  /** The send-side form of `address`, or undefined if it is not one of this family. */
  #addressWords(address: string): AddressWords | undefined {
    const known = this.#words.get(address);
    if (known !== undefined) return known;
    if (this.#closed || !this.#binding.parseAddress(this.#handle, address)) return undefined;
    const s = this.#scratch;
    const { SCRATCH_SCOPE: scope, SCRATCH_ADDRESS: a } = this.#layout;
    const words = { scope: s[scope]!, a0: s[a]!, a1: s[a + 1]!, a2: s[a + 2]!, a3: s[a + 3]! };
    if (this.#words.size >= MAX_CACHED) this.#words.clear();
    this.#words.set(address, words);
    return words;
  }
}

/** ::ffff:0:0/96's third word as the bytes 00 00 ff ff read in this machine's order. */
const MAPPED_WORD = new Uint32Array(Uint8Array.of(0, 0, 0xff, 0xff).buffer)[0]!;

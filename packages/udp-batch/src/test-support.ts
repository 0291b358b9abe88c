import { createSocket, type Socket } from "node:dgram";
import { loadAddon } from "./addon.js";
import { BatchSocket, type BatchSocketOptions } from "./batch-socket.js";
import type { Endpoint } from "./types.js";

export const addon = loadAddon();
/**
 * Without the addon (no compiler at install time, not Linux) these tests cannot run and
 * are skipped; CI sets CHAT_UDP_BATCH_REQUIRED=1, where a missing addon fails them instead.
 */
export const skipWithoutAddon = !addon.ok && process.env.CHAT_UDP_BATCH_REQUIRED !== "1";

export interface Received {
  bytes: Buffer;
  from: Endpoint;
}

/** A BatchSocket that records what it receives and the size of each batch. */
export function recordingSocket(
  host: string,
  extra: Partial<BatchSocketOptions> = {},
): { socket: BatchSocket; received: Received[]; batches: number[]; errors: string[] } {
  const received: Received[] = [];
  const batches: number[] = [];
  const errors: string[] = [];
  let batch = 0;
  const socket = new BatchSocket({
    host,
    port: 0,
    onDatagram: (bytes, from) => {
      batch++;
      received.push({ bytes: Buffer.from(bytes), from });
    },
    onBatchEnd: () => {
      batches.push(batch);
      batch = 0;
    },
    onError: (error) => errors.push(`socket ${error.code}`),
    onSendError: (error) => errors.push((error as Error & { code: string }).code),
    onOverflow: () => {},
    ...extra,
  });
  return { socket, received, batches, errors };
}

/** A node:dgram peer that records what it receives. */
export async function peer(type: "udp4" | "udp6", host: string) {
  const socket: Socket = createSocket(type);
  const received: Buffer[] = [];
  socket.on("message", (message) => received.push(message));
  await new Promise<void>((resolve) => socket.bind(0, host, resolve));
  return { socket, received, port: socket.address().port };
}

/** Resolves once `check` holds; rejects after `ms`. */
export async function until(check: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

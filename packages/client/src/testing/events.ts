import { setTimeout as delay } from "node:timers/promises";
import type { ClientPacket } from "@chat/protocol";
import type { ChatClient } from "../chat-client.js";
import type { ClientEvents } from "../types.js";

/** Records every payload of one event, for assertions after the fact. */
export function record<K extends keyof ClientEvents>(
  client: ChatClient,
  event: K,
): Array<ClientEvents[K]> {
  const seen: Array<ClientEvents[K]> = [];
  client.on(event, (payload) => seen.push(payload));
  return seen;
}

/** Records every packet the client sends from now on. */
export function recordSent(client: ChatClient): ClientPacket[] {
  const sent: ClientPacket[] = [];
  const send = client.socket.send.bind(client.socket);
  client.socket.send = (packet) => {
    sent.push(packet);
    send(packet);
  };
  return sent;
}

/** The next payload of `event` that matches, or a rejection after `timeoutMs`. */
export function nextEvent<K extends keyof ClientEvents>(
  client: ChatClient,
  event: K,
  predicate: (payload: ClientEvents[K]) => boolean = () => true,
  timeoutMs = 5000,
): Promise<ClientEvents[K]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no "${String(event)}" event within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = client.on(event, (payload) => {
      if (!predicate(payload)) return;
      clearTimeout(timer);
      off();
      resolve(payload);
    });
  });
}

/** Resolves once `predicate` holds (checked every 10 ms), or rejects after `timeoutMs`. */
export async function until(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!predicate()) {
    if (performance.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await delay(10);
  }
}

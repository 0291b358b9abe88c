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

export const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

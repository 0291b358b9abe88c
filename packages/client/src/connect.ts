import { ChatClient } from "./chat-client.js";
import type { ConnectOptions } from "./types.js";

/** Opens a client and registers `name`; rejects (and closes) if registration fails. */
export async function connect(options: ConnectOptions): Promise<ChatClient> {
  const client = await ChatClient.open(options);
  try {
    await client.register(options.name);
    return client;
  } catch (error) {
    await client.close({ logout: false });
    throw error;
  }
}

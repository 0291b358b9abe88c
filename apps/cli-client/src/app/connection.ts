import type { ChatClient } from "@chat/client";

/** What the app needs of a client; ChatClient from @chat/client is the one implementation. */
export type ChatConnection = Pick<
  ChatClient,
  | "name"
  | "on"
  | "register"
  | "rename"
  | "broadcast"
  | "sendPrivate"
  | "list"
  | "info"
  | "logout"
  | "close"
>;

/** The text to show for a failed call: the server's ERROR text or the SDK's reason. */
export function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

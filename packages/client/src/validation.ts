import { checkMessage, checkName, messageInvalid, nameInvalid } from "@chat/protocol";
import { ChatError } from "./errors.js";

/*
 * Outgoing text is checked with the protocol's own rules before it is sent, so a bad
 * name or message fails at once with the same words the server would use.
 */

export function assertSendableName(name: string): void {
  const reason = checkName(name);
  if (reason !== undefined) throw new ChatError("INVALID", nameInvalid(reason).message);
}

export function assertSendableMessage(message: string, maxMessageBytes: number): void {
  const reason = checkMessage(message, maxMessageBytes);
  if (reason !== undefined) throw new ChatError("INVALID", messageInvalid(reason).message);
}

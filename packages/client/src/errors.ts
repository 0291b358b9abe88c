/**
 * Why a client call failed. `message` is the server's exact ERROR text when the server
 * refused (`username is already present`), so a UI can show it as is.
 */
export type ChatErrorCode =
  /** The server answered ERROR; `serverText` holds its text (same as `message`). */
  | "REFUSED"
  /** No answer after every try. */
  | "TIMEOUT"
  /** Refused locally before sending: a name or message that breaks the protocol's rules. */
  | "INVALID"
  /** The client or socket was closed. */
  | "CLOSED";

export class ChatError extends Error {
  override readonly name = "ChatError";
  constructor(
    readonly code: ChatErrorCode,
    message: string,
    /** The server's ERROR text, for `REFUSED`. */
    readonly serverText?: string,
  ) {
    super(message);
  }
}

export function isChatError(value: unknown): value is ChatError {
  return value instanceof ChatError;
}

export function refused(text: string): ChatError {
  return new ChatError("REFUSED", text, text);
}

export function noAnswer(host: string, port: number, tries: number): ChatError {
  const where = host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
  return new ChatError("TIMEOUT", `no answer from ${where} after ${tries} tries`);
}

export function closedError(): ChatError {
  return new ChatError("CLOSED", "client is closed");
}

import { ErrorText } from "@chat/protocol";

/** Every request a client has in flight that an ERROR could answer. */
export type RequestKind = "register" | "logout" | "private" | "broadcast" | "list" | "info";

export interface Pending {
  kind: RequestKind;
  /** When it was first sent (performance.now()). */
  sentAt: number;
}

const USER_NOT_FOUND = ErrorText.userNotFound("");
const ALREADY_REGISTERED = ErrorText.alreadyRegisteredAs("");
const UNKNOWN_OPCODE = ErrorText.unknownOpcode(0).slice(0, -1);

/**
 * Whether `text` is an answer the protocol gives to a request of this kind. A retried
 * request (REGISTER, LIST, INFO, LOGOUT) does not take `rate limited`: the packet was
 * dropped, and the next try will do.
 */
export function canAnswer(kind: RequestKind, text: string): boolean {
  if (text.startsWith(ErrorText.MALFORMED_PREFIX) || text.startsWith(UNKNOWN_OPCODE)) return true;
  switch (kind) {
    case "register":
      return (
        text.startsWith(ErrorText.USERNAME_INVALID_PREFIX) ||
        text.startsWith(ALREADY_REGISTERED) ||
        text === ErrorText.USERNAME_TAKEN ||
        text === ErrorText.SERVER_FULL ||
        text === ErrorText.TOO_MANY_FROM_ADDRESS ||
        text.startsWith(ErrorText.ADDRESS_CHECK_PREFIX)
      );
    case "private":
      return (
        text === ErrorText.NOT_REGISTERED ||
        text === ErrorText.RATE_LIMITED ||
        text.startsWith(USER_NOT_FOUND) ||
        text.startsWith(ErrorText.USERNAME_INVALID_PREFIX) ||
        text.startsWith(ErrorText.MESSAGE_INVALID_PREFIX)
      );
    case "broadcast":
      return (
        text === ErrorText.NOT_REGISTERED ||
        text === ErrorText.RATE_LIMITED ||
        text.startsWith(ErrorText.MESSAGE_INVALID_PREFIX)
      );
    case "list":
      return text === ErrorText.NOT_REGISTERED;
    case "info":
    case "logout":
      return false;
  }
}

function isProtocolText(text: string): boolean {
  return (["register", "private", "broadcast", "list"] as const).some((kind) =>
    canAnswer(kind, text),
  );
}

/**
 * The request an ERROR answers: the oldest in flight that the text fits. A text the
 * protocol does not define (another server's) goes to the oldest request that is not
 * retried, since a retried one will time out on its own. `server shutting down` answers
 * nothing.
 */
export function routeError<P extends Pending>(pending: readonly P[], text: string): P | undefined {
  // A notice to every user, not an answer.
  if (text === ErrorText.SHUTTING_DOWN) return undefined;
  const known = isProtocolText(text);
  let best: P | undefined;
  for (const request of pending) {
    const fits = known
      ? canAnswer(request.kind, text)
      : request.kind === "private" || request.kind === "broadcast" || request.kind === "register";
    if (fits && (best === undefined || request.sentAt < best.sentAt)) best = request;
  }
  return best;
}

/**
 * Registers a worker's endpoints, `window` REGISTERs in flight at once, each resent after
 * `retryMs` until answered (a repeated REGISTER is harmless: docs/protocol.md#4-who-is-who) or the
 * deadline passes. The receive path hands each OK or ERROR to `endpoint.registering`.
 *
 * As every client of the project, it asks for a cookie first (revision 3's address check:
 * the challenge's token, then the REGISTER with it) and falls back to plain REGISTERs for
 * good on an RFC server's `username is invalid` (it reads the cookie's NUL as part of a name).
 */
import { challengeToken, ErrorText, Opcode } from "@chat/protocol";
import { type Endpoint, nowNs } from "./endpoint.js";
import type { RegisterCommand, RegisterResult } from "./messages.js";

export function registerAll(
  endpoints: readonly Endpoint[],
  command: RegisterCommand,
): Promise<RegisterResult> {
  const result: RegisterResult = {
    ok: 0,
    refused: 0,
    refusals: [],
    retries: 0,
    unanswered: 0,
    startNs: nowNs(),
    endNs: 0,
  };
  const queue = endpoints.slice();
  const inFlight = new Map<Endpoint, number>();
  let asksCookie = true;
  /** Endpoints whose REGISTER in flight carries a cookie. */
  const withCookie = new Set<Endpoint>();
  return new Promise((resolve) => {
    const finish = () => {
      clearInterval(retryTimer);
      clearTimeout(deadline);
      result.unanswered = queue.length + inFlight.size;
      for (const endpoint of inFlight.keys()) endpoint.registering = undefined;
      result.endNs = nowNs();
      resolve(result);
    };
    const sendRegister = (endpoint: Endpoint) => {
      inFlight.set(endpoint, nowNs());
      const { name } = endpoint;
      if (asksCookie) withCookie.add(endpoint);
      else withCookie.delete(endpoint);
      endpoint.socket.send(
        asksCookie
          ? { opcode: Opcode.REGISTER, name, cookie: endpoint.token ?? "" }
          : { opcode: Opcode.REGISTER, name },
      );
    };
    /** A challenge or an RFC server's refusal of the cookie: the REGISTER goes again. */
    const again = (endpoint: Endpoint, text: string): boolean => {
      const token = challengeToken(text);
      if (token !== undefined && endpoint.token !== token) {
        endpoint.token = token;
        return true;
      }
      if (withCookie.has(endpoint) && text.startsWith(ErrorText.USERNAME_INVALID_PREFIX)) {
        asksCookie = false;
        endpoint.token = undefined;
        return true;
      }
      return false;
    };
    const startNext = () => {
      while (inFlight.size < command.window && queue.length > 0) {
        const endpoint = queue.shift() as Endpoint;
        endpoint.registering = (answer) => {
          if (answer.opcode === Opcode.ERROR && again(endpoint, answer.text)) {
            sendRegister(endpoint);
            return;
          }
          endpoint.registering = undefined;
          inFlight.delete(endpoint);
          if (answer.opcode === Opcode.OK) result.ok++;
          else {
            result.refused++;
            if (answer.opcode === Opcode.ERROR && result.refusals.length < 5) {
              result.refusals.push(answer.text);
            }
          }
          startNext();
        };
        sendRegister(endpoint);
      }
      if (inFlight.size === 0 && queue.length === 0) finish();
    };
    const retryTimer = setInterval(
      () => {
        const stale = nowNs() - command.retryMs * 1e6;
        for (const [endpoint, sentAt] of inFlight) {
          if (sentAt > stale) continue;
          result.retries++;
          sendRegister(endpoint);
        }
      },
      Math.max(10, command.retryMs / 4),
    );
    const deadline = setTimeout(finish, command.deadlineMs);
    startNext();
  });
}

/**
 * Registers a worker's endpoints, `window` REGISTERs in flight at once, each resent after
 * `retryMs` until answered (a repeated REGISTER is harmless: docs/protocol.md#4-who-is-who) or the
 * deadline passes. The receive path hands each OK or ERROR to `endpoint.registering`.
 */
import { Opcode } from "@chat/protocol";
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
      endpoint.socket.send({ opcode: Opcode.REGISTER, name: endpoint.name });
    };
    const startNext = () => {
      while (inFlight.size < command.window && queue.length > 0) {
        const endpoint = queue.shift() as Endpoint;
        endpoint.registering = (answer) => {
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

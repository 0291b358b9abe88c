import { randomBytes } from "node:crypto";
import { MAX_NAME_BYTES, Opcode } from "@chat/protocol";
import { type CheckContext, CheckSkipped } from "./check.js";
import { TestClient } from "./client.js";
import { openProbe, type Target } from "./probe.js";
import type { Settings } from "./settings.js";

const RANDOM_CHARS = 8;
/**
 * Letters and digits that are their own UTS #39 skeleton and form no look-alike together
 * (no 0/O, 1/l/I, i, m/rn, vv/w): two fresh names never clash as look-alikes (revision 2).
 */
const RANDOM_ALPHABET = "abcdefghjkpqstuxyz23456789";

/** A fresh name: the hint, a dash and random letters, so concurrent runs never collide. */
export function uniqueName(hint = "u"): string {
  const random = Array.from(
    randomBytes(RANDOM_CHARS),
    (byte) => RANDOM_ALPHABET[byte % RANDOM_ALPHABET.length],
  ).join("");
  const keep = MAX_NAME_BYTES - RANDOM_CHARS - 1;
  return `${hint.slice(0, keep)}-${random}`;
}

/** The context of one check run: it owns every endpoint the check opens, and cleans up. */
export class CheckRun implements CheckContext {
  private readonly clients: TestClient[] = [];

  /** `targets[0]` is the target; more are other nodes of the same cluster. */
  constructor(
    private readonly targets: readonly Target[],
    readonly settings: Settings,
  ) {}

  async client(at = 0): Promise<TestClient> {
    const target = this.targets[at];
    if (target === undefined) throw new Error(`no target number ${at + 1}`);
    const client = new TestClient(await openProbe(target), this.settings);
    this.clients.push(client);
    return client;
  }

  async registered(name = this.name(), at = 0): Promise<TestClient> {
    const client = await this.client(at);
    await client.register(name);
    return client;
  }

  name(hint?: string): string {
    return uniqueName(hint);
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

  skip(reason: string): never {
    throw new CheckSkipped(reason);
  }

  /**
   * Logs out every endpoint that may hold a name (waiting briefly for the OK, so the next
   * check finds the server's list as it was) and closes every socket.
   */
  async cleanUp(): Promise<void> {
    const waitMs = Math.min(this.settings.timeoutMs, 500);
    await Promise.all(
      this.clients.map(async (client) => {
        if (client.mayHoldName) {
          await client.drain();
          client.send({ opcode: Opcode.LOGOUT });
          const deadline = Date.now() + waitMs;
          for (;;) {
            const received = await client.receive(Math.max(0, deadline - Date.now()));
            if (received === undefined) break;
            if ("packet" in received && received.packet.opcode === Opcode.OK) break;
          }
        }
        await client.close();
      }),
    );
  }
}

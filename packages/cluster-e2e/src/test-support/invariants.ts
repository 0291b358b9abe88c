import { foldName, lookAlikeKey } from "@chat/protocol";

interface Holding {
  readonly name: string;
  readonly holder: string;
  readonly from: number;
  to: number;
}

/**
 * What a cluster promises, checked from what the test's clients saw. A test records every
 * OK'd REGISTER and the end of each holding, and every broadcast each client received;
 * `violations` lists:
 *
 * - two holders of one name (or of two look-alikes: one claim key) at the same time. A
 *   holding is recorded from the moment its OK arrived until the LOGOUT was sent (or until
 *   the test knew the holding ended: the node was killed, the user was evicted), so both
 *   ends are on the safe side: an overlap is one the cluster allowed;
 * - a broadcast a client received twice;
 * - two clients that received two broadcasts in different orders (one total order).
 *
 * Broadcast texts must be unique within a test.
 */
export class InvariantChecker {
  readonly #holdings: Holding[] = [];
  readonly #received = new Map<string, string[]>();

  /** `holder` (a client's label) got OK for `name` at `at` (now, by default). */
  registered(name: string, holder: string, at = Date.now()): void {
    this.#holdings.push({ name, holder, from: at, to: Number.POSITIVE_INFINITY });
  }

  /** `holder` stopped holding `name` at `at`: a LOGOUT sent, its node killed, an eviction. */
  released(name: string, holder: string, at = Date.now()): void {
    const open = this.#holdings.find(
      (h) => h.holder === holder && h.name === name && h.to === Number.POSITIVE_INFINITY,
    );
    if (open === undefined) throw new Error(`${holder} held no ${name} to release`);
    open.to = at;
  }

  /** `client` received the broadcast `message`. */
  received(client: string, message: string): void {
    const list = this.#received.get(client) ?? [];
    list.push(message);
    this.#received.set(client, list);
  }

  /** The broadcasts `client` has received so far, in order. */
  receivedBy(client: string): readonly string[] {
    return this.#received.get(client) ?? [];
  }

  violations(): string[] {
    return [...this.#twoHolders(), ...this.#duplicates(), ...this.#orders()];
  }

  /** Names clash when their folds or their look-alike keys are equal (revision 3). */
  #twoHolders(): string[] {
    const found = new Set<string>();
    const byKey = new Map<string, Holding[]>();
    for (const h of this.#holdings) {
      const folded = foldName(h.name);
      for (const key of [`fold:${folded}`, `look:${lookAlikeKey(h.name, folded)}`]) {
        byKey.set(key, [...(byKey.get(key) ?? []), h]);
      }
    }
    for (const holdings of byKey.values()) {
      const sorted = [...holdings].sort((a, b) => a.from - b.from);
      for (let i = 0; i < sorted.length; i++) {
        for (let j = i + 1; j < sorted.length; j++) {
          const [a, b] = [sorted[i] as Holding, sorted[j] as Holding];
          if (b.from >= a.to) break;
          if (a.holder === b.holder) continue;
          found.add(
            `two holders at once: ${a.holder} held "${a.name}" from ${a.from} to ${a.to}, ${b.holder} held "${b.name}" from ${b.from}`,
          );
        }
      }
    }
    return [...found];
  }

  #duplicates(): string[] {
    const found: string[] = [];
    for (const [client, messages] of this.#received) {
      const seen = new Set<string>();
      for (const message of messages) {
        if (seen.has(message)) found.push(`${client} received "${message}" twice`);
        seen.add(message);
      }
    }
    return found;
  }

  #orders(): string[] {
    const found: string[] = [];
    const clients = [...this.#received.entries()];
    for (let i = 0; i < clients.length; i++) {
      const [first, messages] = clients[i] as [string, string[]];
      const position = new Map(messages.map((m, at) => [m, at]));
      for (let j = i + 1; j < clients.length; j++) {
        const [second, others] = clients[j] as [string, string[]];
        let last = -1;
        let lastMessage = "";
        for (const message of others) {
          const at = position.get(message);
          if (at === undefined) continue;
          if (at < last) {
            found.push(
              `${first} and ${second} saw "${lastMessage}" and "${message}" in different orders`,
            );
            break;
          }
          last = at;
          lastMessage = message;
        }
      }
    }
    return found;
  }
}

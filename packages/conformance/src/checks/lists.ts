import { Opcode } from "@chat/protocol";
import { type Check, fail, step } from "../check.js";
import type { TestClient } from "../client.js";
import { describePacket, quote } from "../describe.js";
import { groupSection } from "../sections.js";

const section = groupSection("4").title;

function listed(names: string[]): string {
  return `[${names.map(quote).join(", ")}]`;
}

/** Waits for an unrequested LIST_RESPONSE; anything else fails. */
async function nextPush(client: TestClient, withinMs: number) {
  const received = await client.receive(withinMs);
  if (received === undefined) fail(`a LIST_RESPONSE push within ${withinMs} ms`, "nothing");
  if (!("packet" in received) || received.packet.opcode !== Opcode.LIST_RESPONSE) {
    fail(
      "a LIST_RESPONSE push",
      "packet" in received ? describePacket(received.packet) : "an undecodable datagram",
    );
  }
  return received.packet;
}

export const listChecks: Check[] = [
  {
    id: "4.13",
    section,
    title: "LIST_RESPONSE holds every registered name once, oldest first",
    async run(ctx) {
      const clients = [await ctx.registered(), await ctx.registered(), await ctx.registered()];
      const expected = clients.map((client) => client.name as string);
      const names = await (clients[2] as TestClient).list();
      const found = names.filter((name) => expected.includes(name));
      if (found.join("\0") !== expected.join("\0")) {
        fail(`${listed(expected)} in this order, each once`, listed(names));
      }
    },
  },
  {
    id: "4.14",
    section,
    title: "the server pushes LIST_RESPONSE to every registered user every list-interval",
    needs: { shortListInterval: true },
    budgetMs: (settings) => settings.listIntervalS * 8000 + 5_000,
    async run(ctx) {
      const intervalMs = ctx.settings.listIntervalS * 1000;
      // A loaded machine delays a push; it does not multiply it. So: a push within two
      // periods, then about one per period over three (1 to 5 counted, never a storm).
      const withinMs = 2 * intervalMs + Math.max(1_000, intervalMs / 2);
      const first = await ctx.registered();
      const second = await ctx.registered();
      const name = first.name as string;
      const push = await step("first user", () => nextPush(first, withinMs));
      if (!push.names.includes(name)) fail(`the push to list ${quote(name)}`, listed(push.names));
      const windowMs = 3 * intervalMs;
      const pushes = await step("first user, the next three periods", async () => {
        const arrived = await first.collect(windowMs);
        return arrived.filter(
          (received) => "packet" in received && received.packet.opcode === Opcode.LIST_RESPONSE,
        ).length;
      });
      if (pushes < 1 || pushes > 5) {
        fail(`about 3 pushes in ${windowMs} ms (1 to 5 on a loaded machine)`, `${pushes}`);
      }
      await step("second user", () => nextPush(second, withinMs));
    },
  },
];

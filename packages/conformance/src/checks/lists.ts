import { Opcode } from "@chat/protocol";
import { type Check, fail, step } from "../check.js";
import type { TestClient } from "../client.js";
import { describePacket, quote } from "../describe.js";

const section = "Routing";

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
    budgetMs: (settings) => settings.listIntervalS * 3000 + 5_000,
    async run(ctx) {
      const intervalMs = ctx.settings.listIntervalS * 1000;
      const slackMs = Math.max(1_000, intervalMs / 2);
      const first = await ctx.registered();
      const second = await ctx.registered();
      const name = first.name as string;
      const push = await step("first user", () => nextPush(first, intervalMs + slackMs));
      if (!push.names.includes(name)) fail(`the push to list ${quote(name)}`, listed(push.names));
      const started = Date.now();
      await step("first user, next period", () => nextPush(first, intervalMs + slackMs));
      const gap = Date.now() - started;
      if (gap < intervalMs / 2) fail(`pushes about ${intervalMs} ms apart`, `${gap} ms`);
      await step("second user", () => nextPush(second, intervalMs + slackMs));
    },
  },
];

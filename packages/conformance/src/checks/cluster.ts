import { ErrorText, Opcode } from "@chat/protocol";
import { type Check, fail, step } from "../check.js";
import type { TestClient } from "../client.js";
import { quote } from "../describe.js";
import { groupSection } from "../sections.js";

/*
 * Cross-node checks, run when the kit is given two targets that are nodes of one cluster
 * (`--target A --target B`): a user must not be able to tell two nodes from one server.
 * Target 0 is A, target 1 is B.
 */

const section = groupSection("C").title;
const A = 0;
const B = 1;

/** The BROADCAST_FWDs a client receives, as "sender: message", until it has `count`. */
async function forwards(client: TestClient, count: number): Promise<string[]> {
  const seen: string[] = [];
  while (seen.length < count) {
    const packet = await client.next(`BROADCAST_FWD ${seen.length + 1} of ${count}`);
    if (packet.opcode !== Opcode.BROADCAST_FWD) continue;
    seen.push(`${packet.sender}: ${packet.message}`);
  }
  return seen;
}

export const clusterChecks: Check[] = [
  {
    id: "C.1",
    section,
    title: "a name held at one node is refused at the other: exactly `username is already present`",
    needs: { twoTargets: true },
    async run(ctx) {
      const holder = await ctx.registered(undefined, A);
      const other = await ctx.client(B);
      other.send({ opcode: Opcode.REGISTER, name: (holder.name as string).toUpperCase() });
      await step("REGISTER at the second node", () => other.expectError(ErrorText.USERNAME_TAKEN));
    },
  },
  {
    id: "C.2",
    section,
    title:
      "BROADCAST from either node reaches the users of both once, in one order, FIFO per sender",
    needs: { twoTargets: true },
    async run(ctx) {
      const users = [
        await ctx.registered(undefined, A),
        await ctx.registered(undefined, A),
        await ctx.registered(undefined, B),
        await ctx.registered(undefined, B),
      ];
      const [a, , b] = users as [TestClient, TestClient, TestClient, TestClient];
      for (let i = 1; i <= 3; i++) {
        a.send({ opcode: Opcode.BROADCAST, message: `a${i}` });
        b.send({ opcode: Opcode.BROADCAST, message: `b${i}` });
      }
      const orders: string[][] = [];
      for (const [i, user] of users.entries()) {
        orders.push(await step(`user ${i + 1}`, () => forwards(user, 6)));
      }
      const first = orders[0] as string[];
      for (const [i, order] of orders.entries()) {
        if (order.join("\n") !== first.join("\n")) {
          fail(
            `user ${i + 1} to see the order ${quote(first.join(", "))}`,
            quote(order.join(", ")),
          );
        }
      }
      for (const sender of [a, b]) {
        const mine = first.filter((line) => line.startsWith(`${sender.name}: `));
        const expected = [1, 2, 3].map((i) => `${sender.name}: ${sender === a ? "a" : "b"}${i}`);
        if (mine.join("\n") !== expected.join("\n")) {
          fail(
            `${quote(sender.name as string)}'s messages in the order sent`,
            quote(mine.join(", ")),
          );
        }
      }
      await step("after the six forwards", () => a.expectSilence("no seventh forward"));
    },
  },
  {
    id: "C.3",
    section,
    title:
      "PRIVATE crosses nodes: PRIVATE_FWD at the other node, OK to the sender; `user not found` once the receiver left",
    needs: { twoTargets: true },
    async run(ctx) {
      const sender = await ctx.registered(undefined, A);
      const receiver = await ctx.registered(undefined, B);
      const to = receiver.name as string;
      sender.send({ opcode: Opcode.PRIVATE, receiver: to, message: "across" });
      await step("receiver", () =>
        receiver.expectForward(Opcode.PRIVATE_FWD, sender.name as string, "across"),
      );
      await step("sender", () => sender.expectOk("OK after a PRIVATE"));
      await receiver.logout();
      // The OK to a LOGOUT means the name is free on every node: at once, nobody is found.
      sender.send({ opcode: Opcode.PRIVATE, receiver: to, message: "gone?" });
      await step("sender, after the receiver's LOGOUT", () =>
        sender.expectError(ErrorText.userNotFound(to)),
      );
    },
  },
  {
    id: "C.4",
    section,
    title: "LIST at either node holds the users of both, oldest registration first",
    needs: { twoTargets: true },
    async run(ctx) {
      const clients = [
        await ctx.registered(undefined, A),
        await ctx.registered(undefined, B),
        await ctx.registered(undefined, A),
      ];
      const expected = clients.map((client) => client.name as string);
      for (const [label, client] of [
        ["at the first node", clients[2]],
        ["at the second node", clients[1]],
      ] as const) {
        // Nodes learn of each other's users a moment after the OK: ask again within --timeout.
        const deadline = Date.now() + ctx.settings.timeoutMs;
        let found: string[] = [];
        do {
          const names = await (client as TestClient).list();
          found = names.filter((name) => expected.includes(name));
          if (found.join("\0") === expected.join("\0")) break;
          await ctx.sleep(50);
        } while (Date.now() < deadline);
        if (found.join("\0") !== expected.join("\0")) {
          fail(
            `${label}: ${expected.map(quote).join(", ")} in this order`,
            found.map(quote).join(", "),
          );
        }
      }
    },
  },
];

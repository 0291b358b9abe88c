import { ErrorText, Opcode } from "@chat/protocol";
import { frame } from "../bytes.js";
import { type Check, step } from "../check.js";
import { groupSection } from "../sections.js";

const section = groupSection("4").title;

/*
 * docs/protocol.md#5-routing-and-errors: when a datagram breaks several rules, the first in this order answers:
 * size, opcode, DATA shape, registration, receiver, message.
 */
export const orderChecks: Check[] = [
  {
    id: "4.15",
    section,
    title: "rule order: size comes before opcode (a bad LENGTH on an unknown opcode is malformed)",
    async run(ctx) {
      const client = await ctx.client();
      for (const [label, bytes] of [
        ["unknown opcode 99, truncated", frame(99, "ab", 5)],
        ["unknown opcode 3, trailing bytes", frame(3, "abcdef", 2)],
        ["unknown opcode 200, 2 bytes", Uint8Array.of(200, 0)],
      ] as const) {
        await step(label, async () => {
          client.sendRaw(bytes);
          await client.expectMalformed();
        });
      }
    },
  },
  {
    id: "4.16",
    section,
    title:
      "rule order: opcode comes before DATA shape (an unknown opcode with DATA is `unknown opcode`)",
    async run(ctx) {
      const client = await ctx.client();
      for (const opcode of [99, 2, 44]) {
        await step(`opcode ${opcode} with DATA`, async () => {
          client.sendRaw(frame(opcode, "no\0such\0shape"));
          await client.expectError(ErrorText.unknownOpcode(opcode));
        });
      }
    },
  },
  {
    id: "4.17",
    section,
    title: "rule order: DATA shape comes before registration (no name, bad shape: malformed)",
    async run(ctx) {
      const client = await ctx.client();
      for (const [label, bytes] of [
        ["PRIVATE without NUL", frame(Opcode.PRIVATE, "bobhello")],
        ["LIST_REQUEST with DATA", frame(Opcode.LIST_REQUEST, "x")],
      ] as const) {
        await step(label, async () => {
          client.sendRaw(bytes);
          await client.expectMalformed();
        });
      }
    },
  },
  {
    id: "4.18",
    section,
    title: "rule order: registration comes before receiver and message (no name: `not registered`)",
    async run(ctx) {
      const client = await ctx.client();
      const nobody = ctx.name("nobody");
      for (const [label, opcode, parts] of [
        ["BROADCAST with ESC", Opcode.BROADCAST, ["\u001b[31m"]],
        ["empty BROADCAST", Opcode.BROADCAST, [""]],
        ["PRIVATE to an unknown name", Opcode.PRIVATE, [nobody, "hi"]],
        ["PRIVATE to an invalid name with ESC", Opcode.PRIVATE, ["a b", "\u001b"]],
      ] as const) {
        await step(label, async () => {
          client.sendParts(opcode, ...parts);
          await client.expectError(ErrorText.NOT_REGISTERED);
        });
      }
    },
  },
  {
    id: "4.19",
    section,
    title: "rule order: receiver comes before message (unknown or invalid receiver answers first)",
    async run(ctx) {
      const client = await ctx.registered();
      const nobody = ctx.name("nobody");
      await step("PRIVATE with ESC to an unknown name", async () => {
        client.sendParts(Opcode.PRIVATE, nobody, "\u001b[2J");
        await client.expectError(ErrorText.userNotFound(nobody));
      });
      await step("empty PRIVATE to an unknown name", async () => {
        client.sendParts(Opcode.PRIVATE, nobody, "");
        await client.expectError(ErrorText.userNotFound(nobody));
      });
      await step("PRIVATE with ESC to an invalid name", async () => {
        client.sendParts(Opcode.PRIVATE, "a b", "\u001b[2J");
        await client.expectNameInvalid();
      });
    },
  },
  {
    id: "4.20",
    section,
    title:
      "REGISTER's rules answer in order: invalid name, name already held here, another name held here, name taken",
    async run(ctx) {
      const other = await ctx.registered();
      const client = await ctx.registered();
      const name = client.name as string;
      await step("REGISTER of an invalid name from a registered endpoint", async () => {
        client.sendParts(Opcode.REGISTER, "two words");
        await client.expectNameInvalid();
      });
      await step("REGISTER of its own name again", () => client.register(name));
      await step("REGISTER of a name another endpoint holds", async () => {
        client.sendParts(Opcode.REGISTER, other.name as string);
        await client.expectError(ErrorText.alreadyRegisteredAs(name));
      });
    },
  },
];

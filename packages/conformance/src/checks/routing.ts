import { ErrorText, Opcode } from "@chat/protocol";
import { type Check, fail, step } from "../check.js";
import { describePacket, quote } from "../describe.js";
import { groupSection } from "../sections.js";

const section = groupSection("4").title;

/** docs/protocol.md#2-packets (INFO_RESPONSE): `<UTC date, ISO 8601 to the second> <server name>/<version>`. */
export const INFO_PATTERN = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \S+\/\S+$/;

function checkInfo(text: string): void {
  if (!INFO_PATTERN.test(text)) {
    fail('INFO_RESPONSE like "2026-11-26T05:40:00Z chat-server/1.0.0"', quote(text));
  }
  const date = text.slice(0, 20);
  const parsed = new Date(date);
  if (Number.isNaN(parsed.getTime()) || `${parsed.toISOString().slice(0, 19)}Z` !== date) {
    fail("a real UTC date in INFO_RESPONSE", quote(date));
  }
}

export const routingChecks: Check[] = [
  {
    id: "4.1",
    section,
    title: "BROADCAST reaches every registered user, sender included, and the sender gets no OK",
    async run(ctx) {
      const [sender, second, third] = [
        await ctx.registered(),
        await ctx.registered(),
        await ctx.registered(),
      ];
      const from = sender.name as string;
      sender.send({ opcode: Opcode.BROADCAST, message: "hello, all" });
      for (const [who, client] of [
        ["sender", sender],
        ["second user", second],
        ["third user", third],
      ] as const) {
        await step(who, () => client.expectForward(Opcode.BROADCAST_FWD, from, "hello, all"));
      }
      await step("sender", () => sender.expectSilence("no OK after a BROADCAST"));
    },
  },
  {
    id: "4.2",
    section,
    title: "BROADCAST reaches no endpoint without a name (never registered, or logged out)",
    async run(ctx) {
      const stranger = await ctx.client();
      const leaver = await ctx.registered();
      await leaver.logout();
      const sender = await ctx.registered();
      sender.send({ opcode: Opcode.BROADCAST, message: "members only" });
      await sender.expectForward(Opcode.BROADCAST_FWD, sender.name as string, "members only");
      await step("an endpoint that never registered", () => stranger.expectSilence());
      await step("a logged-out endpoint", () => leaver.expectSilence());
    },
  },
  {
    id: "4.3",
    section,
    title: "PRIVATE sends PRIVATE_FWD to the receiver alone, then OK to the sender",
    async run(ctx) {
      const sender = await ctx.registered();
      const receiver = await ctx.registered();
      const bystander = await ctx.registered();
      sender.send({ opcode: Opcode.PRIVATE, receiver: receiver.name as string, message: "psst" });
      await step("receiver", () =>
        receiver.expectForward(Opcode.PRIVATE_FWD, sender.name as string, "psst"),
      );
      await step("sender", () => sender.expectOk());
      await step("bystander", () => bystander.expectSilence());
      await step("sender", () => sender.expectSilence("no copy of its own PRIVATE"));
    },
  },
  {
    id: "4.4",
    section,
    title: "PRIVATE to an unknown name gets exactly `user not found: <name>`, and nothing is sent",
    async run(ctx) {
      const sender = await ctx.registered();
      const bystander = await ctx.registered();
      const nobody = ctx.name("nobody");
      sender.send({ opcode: Opcode.PRIVATE, receiver: nobody, message: "anyone?" });
      await sender.expectError(ErrorText.userNotFound(nobody));
      await step("bystander", () => bystander.expectSilence());
    },
  },
  {
    id: "4.5",
    section,
    title: "PRIVATE to a user who logged out gets `user not found: <name>`",
    async run(ctx) {
      const sender = await ctx.registered();
      const leaver = await ctx.registered();
      const name = leaver.name as string;
      await leaver.logout();
      sender.send({ opcode: Opcode.PRIVATE, receiver: name, message: "still there?" });
      await sender.expectError(ErrorText.userNotFound(name));
      await step("the logged-out endpoint", () => leaver.expectSilence());
    },
  },
  {
    id: "4.6",
    section,
    title: "PRIVATE to a receiver that is not a valid name gets `username is invalid: …`",
    async run(ctx) {
      const sender = await ctx.registered();
      for (const receiver of ["", "two words", "x".repeat(33), "evil\u202eeman", "bell\u0007"]) {
        await step(`PRIVATE to ${quote(receiver)}`, async () => {
          sender.sendParts(Opcode.PRIVATE, receiver, "hi");
          await sender.expectNameInvalid();
        });
      }
    },
  },
  {
    id: "4.7",
    section,
    title: "PRIVATE to oneself is delivered: PRIVATE_FWD and OK to the same endpoint",
    async run(ctx) {
      const client = await ctx.registered();
      const name = client.name as string;
      client.send({ opcode: Opcode.PRIVATE, receiver: name, message: "note to self" });
      const seen = [
        await client.next("PRIVATE_FWD and OK"),
        await client.next("PRIVATE_FWD and OK"),
      ];
      const forward = seen.find((packet) => packet.opcode === Opcode.PRIVATE_FWD);
      const ok = seen.find((packet) => packet.opcode === Opcode.OK);
      if (
        forward?.opcode !== Opcode.PRIVATE_FWD ||
        forward.sender !== name ||
        forward.message !== "note to self" ||
        ok === undefined
      ) {
        fail(
          `PRIVATE_FWD from ${quote(name)}: "note to self" and OK`,
          seen.map(describePacket).join(" then "),
        );
      }
    },
  },
  {
    id: "4.8",
    section,
    title: "BROADCAST from an endpoint with no name gets exactly `not registered`",
    async run(ctx) {
      const client = await ctx.client();
      client.send({ opcode: Opcode.BROADCAST, message: "hi" });
      await client.expectError(ErrorText.NOT_REGISTERED);
    },
  },
  {
    id: "4.9",
    section,
    title:
      "PRIVATE from an endpoint with no name gets exactly `not registered`, and nothing is sent",
    async run(ctx) {
      const receiver = await ctx.registered();
      const client = await ctx.client();
      client.send({ opcode: Opcode.PRIVATE, receiver: receiver.name as string, message: "hi" });
      await client.expectError(ErrorText.NOT_REGISTERED);
      await step("receiver", () => receiver.expectSilence());
    },
  },
  {
    id: "4.10",
    section,
    title: "LIST_REQUEST from an endpoint with no name gets exactly `not registered`",
    async run(ctx) {
      const client = await ctx.client();
      client.send({ opcode: Opcode.LIST_REQUEST });
      await client.expectError(ErrorText.NOT_REGISTERED);
    },
  },
  {
    id: "4.11",
    section,
    title:
      "INFO_REQUEST from any endpoint gets INFO_RESPONSE `<UTC date to the second> <name>/<version>`",
    async run(ctx) {
      const stranger = await ctx.client();
      stranger.send({ opcode: Opcode.INFO_REQUEST });
      await step("an endpoint with no name", async () => checkInfo(await stranger.expectInfo()));
      const user = await ctx.registered();
      user.send({ opcode: Opcode.INFO_REQUEST });
      await step("a registered endpoint", async () => checkInfo(await user.expectInfo()));
    },
  },
  {
    id: "4.12",
    section,
    title: "messages follow the endpoint: a name re-registered elsewhere receives there only",
    async run(ctx) {
      const sender = await ctx.registered();
      const before = await ctx.registered();
      const name = before.name as string;
      await before.logout();
      const after = await ctx.client();
      await after.register(name);
      sender.send({ opcode: Opcode.PRIVATE, receiver: name, message: "where are you?" });
      await step("new endpoint", () =>
        after.expectForward(Opcode.PRIVATE_FWD, sender.name as string, "where are you?"),
      );
      await sender.expectOk();
      await step("old endpoint", () => before.expectSilence());
    },
  },
];

import { ErrorText, MAX_DATA_BYTES, Opcode } from "@chat/protocol";
import { frame } from "../bytes.js";
import type { Check } from "../check.js";
import { groupSection } from "../sections.js";

const section = groupSection("1").title;

export const framingChecks: Check[] = [
  {
    id: "1.1",
    section,
    title: "a datagram shorter than the 3-byte header gets `malformed packet: …`",
    async run(ctx) {
      const client = await ctx.client();
      for (const bytes of [[], [Opcode.INFO_REQUEST], [Opcode.INFO_REQUEST, 0]]) {
        client.sendRaw(Uint8Array.from(bytes));
        await client.expectMalformed();
      }
    },
  },
  {
    id: "1.2",
    section,
    title: "a LENGTH larger than the DATA that follows (truncated) gets `malformed packet: …`",
    async run(ctx) {
      const client = await ctx.client();
      client.sendRaw(frame(Opcode.REGISTER, "abc", 10));
      await client.expectMalformed();
      client.sendRaw(frame(Opcode.BROADCAST, [], 1));
      await client.expectMalformed();
    },
  },
  {
    id: "1.3",
    section,
    title: "bytes after DATA (trailing) get `malformed packet: …`",
    async run(ctx) {
      const client = await ctx.client();
      client.sendRaw(frame(Opcode.REGISTER, "abcde", 3));
      await client.expectMalformed();
      client.sendRaw(frame(Opcode.INFO_REQUEST, "x", 0));
      await client.expectMalformed();
    },
  },
  {
    id: "1.4",
    section,
    title: "LOGOUT, INFO_REQUEST and LIST_REQUEST with LENGTH > 0 get `malformed packet: …`",
    async run(ctx) {
      const client = await ctx.registered();
      for (const opcode of [Opcode.LOGOUT, Opcode.INFO_REQUEST, Opcode.LIST_REQUEST]) {
        client.sendRaw(frame(opcode, "x"));
        await client.expectMalformed();
      }
    },
  },
  {
    id: "1.5",
    section,
    title: "a PRIVATE with no NUL between receiver and message gets `malformed packet: …`",
    async run(ctx) {
      const client = await ctx.registered();
      client.sendRaw(frame(Opcode.PRIVATE, `${client.name}hello`));
      await client.expectMalformed();
    },
  },
  {
    id: "1.6",
    section,
    title: "an unknown opcode gets exactly `unknown opcode <n>`",
    async run(ctx) {
      const client = await ctx.client();
      for (const opcode of [2, 13, 99, 255]) {
        client.sendRaw(frame(opcode));
        await client.expectError(ErrorText.unknownOpcode(opcode));
      }
    },
  },
  {
    id: "1.7",
    section,
    title:
      "a server→client opcode sent to the server is never answered (revision 2), and the server goes on",
    async run(ctx) {
      const client = await ctx.registered();
      const packets: Array<[number, string]> = [
        [Opcode.OK, ""],
        [Opcode.ERROR, "oops"],
        [Opcode.BROADCAST_FWD, `${client.name}\0hi`],
        [Opcode.PRIVATE_FWD, `${client.name}\0hi`],
        [Opcode.INFO_RESPONSE, "2026-01-01T00:00:00Z x/1"],
        [Opcode.LIST_RESPONSE, `${client.name}`],
      ];
      for (const [opcode, data] of packets) client.sendRaw(frame(opcode, data));
      await client.expectSilence("no answer to a server→client opcode");
      client.send({ opcode: Opcode.INFO_REQUEST });
      await client.expectInfo();
    },
  },
  {
    id: "1.8",
    section,
    title: "LENGTH is big-endian: a message of more than 255 bytes is forwarded whole",
    async run(ctx) {
      const size = Math.min(300, ctx.settings.maxMessageBytes);
      if (size < 256) ctx.skip(`max-message ${ctx.settings.maxMessageBytes} is under 256 bytes`);
      const client = await ctx.registered();
      const message = `${"x".repeat(size - 1)}!`;
      client.sendParts(Opcode.BROADCAST, message);
      await client.expectForward(Opcode.BROADCAST_FWD, client.name as string, message);
    },
  },
  {
    id: "1.9",
    section,
    title: "the largest datagram (65,507 bytes) is read whole and judged on its content",
    async run(ctx) {
      const big = "a".repeat(MAX_DATA_BYTES);
      const stranger = await ctx.client();
      stranger.sendRaw(frame(Opcode.REGISTER, big));
      await stranger.expectNameInvalid();
      const user = await ctx.registered();
      // A checked user's session token (revision 3) takes its NUL and bytes from the message.
      const tokenBytes = user.token === undefined ? 0 : user.token.length + 1;
      user.sendParts(Opcode.BROADCAST, big.slice(tokenBytes));
      await user.expectMessageInvalid();
    },
  },
  {
    id: "1.10",
    section,
    title: "a two-part DATA splits at the first NUL: a second NUL is in the message, refused",
    async run(ctx) {
      const sender = await ctx.registered();
      const receiver = await ctx.registered();
      sender.sendParts(Opcode.PRIVATE, receiver.name as string, "he\0llo");
      await sender.expectMessageInvalid();
      await receiver.expectSilence("no PRIVATE_FWD of a refused message");
    },
  },
];

import { DEFAULTS, ErrorText, encode, Opcode } from "@chat/protocol";
import { assert, type Check, fail, step } from "../check.js";
import { describePacket } from "../describe.js";
import { groupSection } from "../sections.js";
import { blast, countOpcode, gather } from "./flood.js";

const section = groupSection("5").title;

/*
 * The per-IP limits. Their budgets are shared by every check sent from the tester's address,
 * so they run last, and the reply-limit check waits for its budget to refill.
 */
export const perIpChecks: Check[] = [
  {
    id: "5.7",
    section,
    title: "replies to endpoints with no name are rate-limited per IP address",
    needs: { perIpLimits: true },
    async run(ctx) {
      const member = await ctx.registered();
      const strangers = [
        await ctx.client(),
        await ctx.client(),
        await ctx.client(),
        await ctx.client(),
      ];
      const perStranger = Math.ceil((3 * DEFAULTS.unregisteredRepliesPerSecond) / strangers.length);
      for (const stranger of strangers) {
        await blast(stranger, encode({ opcode: Opcode.INFO_REQUEST }), perStranger);
      }
      let answered = 0;
      for (const stranger of strangers) {
        answered += countOpcode(
          await gather(stranger, ctx.settings.silenceMs),
          Opcode.INFO_RESPONSE,
        );
      }
      const sent = perStranger * strangers.length;
      assert(
        answered < sent,
        `fewer than ${sent} of ${sent} INFO_REQUESTs answered`,
        `${answered}`,
      );
      member.send({ opcode: Opcode.LIST_REQUEST });
      await step("a registered user on the same address", () => member.expectListResponse());
      // Let the address's reply budget refill for the checks that follow.
      await ctx.sleep(2_000);
    },
  },
  {
    id: "5.8",
    section,
    title:
      "more than max-users-per-ip names from one IP get exactly `too many users from this address`",
    needs: { perIpLimits: true },
    async run(ctx) {
      const { maxUsersPerIp: limit, registersPerMinute } = ctx.settings;
      if (limit + 1 > registersPerMinute) {
        ctx.skip(
          `filling max-users-per-ip ${limit} takes more than the ${registersPerMinute} REGISTERs a minute allowed (run the target with --max-users-per-ip ${registersPerMinute - 1} or less)`,
        );
      }
      const users = [];
      for (let i = 0; i < limit; i++)
        users.push(await step(`user ${i + 1} of ${limit}`, () => ctx.registered()));
      const extra = await ctx.client();
      const expected = `ERROR "${ErrorText.TOO_MANY_FROM_ADDRESS}"`;
      const reply = await step(`user ${limit + 1}`, () => extra.registerAnswer(ctx.name()));
      assert(
        reply.opcode === Opcode.ERROR && reply.text === ErrorText.TOO_MANY_FROM_ADDRESS,
        `${expected} to user ${limit + 1}`,
        describePacket(reply),
      );
    },
  },
  {
    id: "5.9",
    section,
    title:
      "more than registers-per-minute REGISTERs from one IP get `too many users from this address`",
    needs: { perIpLimits: true },
    budgetMs: (settings) =>
      (settings.registersPerMinute + 1) * (2 * settings.timeoutMs + 300) + 5_000,
    async run(ctx) {
      const client = await ctx.client();
      const attempts = ctx.settings.registersPerMinute + 1;
      for (let attempt = 1; attempt <= attempts; attempt++) {
        const reply = await client.registerAnswer(ctx.name("minute"));
        if (reply.opcode === Opcode.ERROR && reply.text === ErrorText.TOO_MANY_FROM_ADDRESS) return;
        assert(reply.opcode === Opcode.OK, `OK to REGISTER ${attempt}`, describePacket(reply));
        await client.logout();
        // Stay under the per-IP reply limit, which this check is not about.
        await ctx.sleep(300);
      }
      fail(
        `ERROR "${ErrorText.TOO_MANY_FROM_ADDRESS}" by REGISTER ${attempts}`,
        `OK to all ${attempts}`,
      );
    },
  },
];

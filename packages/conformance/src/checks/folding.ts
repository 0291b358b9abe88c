import { ErrorText, Opcode } from "@chat/protocol";
import { type Check, step } from "../check.js";
import { quote } from "../describe.js";
import { groupSection } from "../sections.js";

const section = groupSection("2").title;

/*
 * docs/protocol.md#usernames and #revision-2: full case folding and look-alike names. Numbered after the
 * message checks (2.18–2.29) so that no existing id changes.
 */
export const foldingChecks: Check[] = [
  {
    id: "2.30",
    section,
    title: "names clash under full case folding: `straße` holds off `STRASSE`, `ς` holds off `σ`",
    async run(ctx) {
      const tail = ctx.name("").slice(1);
      const other = await ctx.client();
      for (const [held, variant] of [
        [`straße${tail}`, `STRASSE${tail}`],
        [`ς${tail}`, `σ${tail}`],
      ] as const) {
        await ctx.registered(held);
        await step(`REGISTER ${quote(variant)} while ${quote(held)} is present`, async () => {
          other.sendParts(Opcode.REGISTER, variant);
          await other.expectError(ErrorText.USERNAME_TAKEN);
        });
      }
    },
  },
  {
    id: "2.31",
    section,
    title:
      "look-alike names clash (revision 2): Cyrillic `а` or Greek `ο` in a held name is refused; a longer name is not",
    async run(ctx) {
      const tail = ctx.name("").slice(1);
      await ctx.registered(`alice${tail}`);
      await ctx.registered(`bob${tail}`);
      const other = await ctx.client();
      for (const variant of [`\u0430lice${tail}`, `b\u03bfb${tail}`]) {
        await step(`REGISTER ${quote(variant)}`, async () => {
          other.sendParts(Opcode.REGISTER, variant);
          await other.expectError(ErrorText.USERNAME_TAKEN);
        });
      }
      await step(`REGISTER ${quote(`bob${tail}by`)}`, async () => {
        other.sendParts(Opcode.REGISTER, `bob${tail}by`);
        await other.expectOk();
      });
    },
  },
  {
    id: "2.32",
    section,
    title: "a PRIVATE to a look-alike of a present name gets `user not found: <name>`",
    async run(ctx) {
      const tail = ctx.name("").slice(1);
      await ctx.registered(`alice${tail}`);
      const sender = await ctx.registered();
      const lookAlike = `\u0430lice${tail}`;
      sender.send({ opcode: Opcode.PRIVATE, receiver: lookAlike, message: "hi" });
      await sender.expectError(ErrorText.userNotFound(lookAlike));
    },
  },
];

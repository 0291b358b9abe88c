import { ErrorText, Opcode } from "@chat/protocol";
import { type Check, step } from "../check.js";
import { quote } from "../describe.js";
import { groupSection } from "../sections.js";

const section = groupSection("2").title;

/*
 * docs/protocol.md#usernames, #revision-2 and #revision-3-identity: full case folding,
 * look-alike names and blank names. Numbered after the message checks (2.18–2.29) so that
 * no existing id changes.
 */

/** Pairs of the revision 3 review: a held name, then a look-alike that folding hid. */
const HIDDEN_LOOK_ALIKES: ReadonlyArray<readonly [string, string]> = [
  ["bill", "biIl"],
  ["alice", "aIice"],
  ["lol", "\u04c0o\u04c0"], // Cyrillic palochka
  ["BOB", "\u0392\u039f\u0392"], // Greek capitals
  ["ADMIN", "\u0410D\u041cIN"], // Cyrillic А, М
  ["SCOTT", "\u0405\u0421\u041e\u0422\u0422"], // Cyrillic
  ["HTML", "\u041d\u0422\u041cL"], // Cyrillic Н, Т, М
  ["BOBBY", "B0BBY"], // digit zero
  ["MAX", "\u041c\u0410\u0425"], // Cyrillic
  ["apple", "\u0430\u0440\u0440\u04cf\u0435"], // Cyrillic
];
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
  {
    id: "2.33",
    section,
    title:
      "look-alikes that case folding hides clash (revision 3): `biIl`/`bill`, `B0BBY`/`BOBBY`, Greek `ΒΟΒ`/`BOB`, Cyrillic `АDМIN`/`ADMIN` …",
    async run(ctx) {
      const tail = ctx.name("").slice(1);
      const other = await ctx.client();
      for (const [held, lookAlike] of HIDDEN_LOOK_ALIKES) {
        await ctx.registered(`${held}${tail}`);
        const variant = `${lookAlike}${tail}`;
        await step(
          `REGISTER ${quote(variant)} while ${quote(held + tail)} is present`,
          async () => {
            other.sendParts(Opcode.REGISTER, variant);
            await other.expectError(ErrorText.USERNAME_TAKEN);
          },
        );
      }
    },
  },
  {
    id: "2.34",
    section,
    title:
      "honest names of every script still register (revision 3): `иван`, `ελένη`, `李小龍`, `Zoë`, `renée`, a script with digits",
    async run(ctx) {
      const tail = ctx.name("").slice(1);
      for (const name of ["иван", "ελένη", "李小龍", "Zoë", "renée", "иван2000"]) {
        await step(`REGISTER ${quote(name + tail)}`, () => ctx.registered(`${name}${tail}`));
      }
    },
  },
  {
    id: "2.35",
    section,
    title:
      "blank and invisible names are refused (revision 3): U+3164, U+2800 alone or twice, a lone combining mark, `carol⠀`, an accent twice",
    async run(ctx) {
      const tail = ctx.name("").slice(1);
      const client = await ctx.client();
      const blanks = [
        "\u3164",
        "\u2800",
        "\u2800\u2800",
        "\u0301",
        `carol${tail}\u2800`,
        `da\u0301\u0301ve${tail}`,
        `\u115f${tail}`,
        `alice${tail}\ufe0f`,
      ];
      for (const name of blanks) {
        await step(`REGISTER ${quote(name)}`, async () => {
          client.sendParts(Opcode.REGISTER, name);
          await client.expectNameInvalid();
        });
      }
    },
  },
];

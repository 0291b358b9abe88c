import { ErrorText, Opcode } from "@chat/protocol";
import { type ByteSource, frame, toBytes } from "../bytes.js";
import { type Check, type CheckContext, fail, step } from "../check.js";
import { quote } from "../describe.js";
import { groupSection } from "../sections.js";

const section = groupSection("2").title;

/** Registers each name from one fresh endpoint; every one must get `username is invalid: …`. */
async function refusesNames(ctx: CheckContext, names: ByteSource[]): Promise<void> {
  const client = await ctx.client();
  for (const name of names) {
    await step(`REGISTER ${label(name)}`, async () => {
      client.sendRaw(frame(Opcode.REGISTER, name));
      await client.expectNameInvalid();
    });
  }
}

function label(name: ByteSource): string {
  if (typeof name === "string") return quote(name);
  return `bytes ${Buffer.from(toBytes(name)).toString("hex")}`;
}

/** A fresh name with `inner` in the middle, so the rule under test is the only thing wrong. */
function around(ctx: CheckContext, inner: string): string {
  const [head, tail] = ctx.name("n").split("-") as [string, string];
  return `${head}${inner}${tail}`;
}

export const nameChecks: Check[] = [
  {
    id: "2.1",
    section,
    title: "an empty username gets `username is invalid: …`",
    run: (ctx) => refusesNames(ctx, [""]),
  },
  {
    id: "2.2",
    section,
    title: "a username of 33 bytes is refused; one of 32 bytes (ASCII or not) is accepted",
    async run(ctx) {
      await refusesNames(ctx, ["a".repeat(33), `a${"é".repeat(16)}`]);
      await step("REGISTER a 32-byte ASCII name", () =>
        ctx.registered(ctx.name("n32").padEnd(32, "z")),
      );
      const emoji = `${"😀".repeat(6)}${ctx.name("e").slice(-8)}`;
      await step(`REGISTER ${quote(emoji)} (32 bytes)`, () => ctx.registered(emoji));
    },
  },
  {
    id: "2.3",
    section,
    title: "a username with whitespace (space, NBSP, ideographic space) is refused",
    run: (ctx) =>
      refusesNames(
        ctx,
        ["\u0020", "\u00a0", "\u3000"].map((ws) => around(ctx, ws)),
      ),
  },
  {
    id: "2.4",
    section,
    title: "a username with a control character (C0, ESC, DEL, C1) is refused",
    run: (ctx) =>
      refusesNames(
        ctx,
        ["\u0001", "\u001b", "\u007f", "\u0085", "\u009b"].map((c) => around(ctx, c)),
      ),
  },
  {
    id: "2.5",
    section,
    title: "a username with a bidi override, isolate or mark is refused",
    run: (ctx) =>
      refusesNames(
        ctx,
        ["\u202e", "\u2066", "\u200f"].map((c) => around(ctx, c)),
      ),
  },
  {
    id: "2.6",
    section,
    title: "a username with a zero-width character (ZWSP, ZWJ, word joiner, BOM) is refused",
    run: (ctx) =>
      refusesNames(
        ctx,
        ["\u200b", "\u200d", "\u2060", "\ufeff"].map((c) => around(ctx, c)),
      ),
  },
  {
    id: "2.7",
    section,
    title: "a username with U+FFFD is refused",
    run: (ctx) => refusesNames(ctx, [around(ctx, "\ufffd")]),
  },
  {
    id: "2.8",
    section,
    title: "a username in overlong UTF-8 is refused",
    run: (ctx) =>
      refusesNames(ctx, [
        [0x61, 0xc0, 0xaf, 0x62],
        [0x61, 0xe0, 0x80, 0xaf, 0x62],
        [0xc1, 0xa1],
      ]),
  },
  {
    id: "2.9",
    section,
    title: "a username holding a UTF-8-encoded surrogate is refused",
    run: (ctx) =>
      refusesNames(ctx, [
        [0x61, 0xed, 0xa0, 0x80],
        [0xed, 0xbf, 0xbf, 0x62],
      ]),
  },
  {
    id: "2.10",
    section,
    title: "a username that is otherwise not UTF-8 (0xFF, cut sequence, past U+10FFFF) is refused",
    run: (ctx) =>
      refusesNames(ctx, [
        [0x61, 0xff],
        [0x61, 0xe2, 0x82],
        [0xf4, 0x90, 0x80, 0x80],
      ]),
  },
  {
    id: "2.11",
    section,
    title: "a username with NUL is refused",
    // Revision 3 reads printable ASCII after a REGISTER's last NUL as a cookie, so the NUL
    // here is followed by a letter that no cookie holds.
    run: (ctx) => refusesNames(ctx, [around(ctx, "\0é")]),
  },
  {
    id: "2.12",
    section,
    title: "a non-ASCII username is accepted and listed exactly as sent",
    async run(ctx) {
      const name = `Zoë-名前-${ctx.name("").slice(1)}`;
      const client = await ctx.registered(name);
      const names = await client.list();
      if (!names.includes(name)) fail(`LIST to hold ${quote(name)}`, `[${names.map(quote)}]`);
    },
  },
  {
    id: "2.13",
    section,
    title: "names are stored NFC: a decomposed name is listed composed",
    async run(ctx) {
      const tail = ctx.name("").slice(1);
      const decomposed = `e\u0301cole${tail}`;
      const composed = decomposed.normalize("NFC");
      const client = await ctx.registered(decomposed);
      const names = await client.list();
      if (!names.includes(composed) || names.includes(decomposed)) {
        fail(`LIST to hold the NFC form ${quote(composed)}`, `[${names.map(quote)}]`);
      }
    },
  },
  {
    id: "2.14",
    section,
    title: "names are stored NFC: forwards from a decomposed name carry the composed sender",
    async run(ctx) {
      const decomposed = `A\u030angstro${ctx.name("").slice(1)}`;
      const composed = decomposed.normalize("NFC");
      const sender = await ctx.registered(decomposed);
      const receiver = await ctx.registered();
      sender.send({ opcode: Opcode.BROADCAST, message: "hi" });
      await step("BROADCAST", () => sender.expectForward(Opcode.BROADCAST_FWD, composed, "hi"));
      sender.send({ opcode: Opcode.PRIVATE, receiver: receiver.name as string, message: "psst" });
      await step("PRIVATE", async () => {
        await receiver.expectForward(Opcode.BROADCAST_FWD, composed, "hi");
        await receiver.expectForward(Opcode.PRIVATE_FWD, composed, "psst");
        await sender.expectOk();
      });
    },
  },
  {
    id: "2.15",
    section,
    title:
      "names clash case-insensitively: `Alice` holds off `ALICE` (username is already present)",
    async run(ctx) {
      const name = `Alice${ctx.name("").slice(1)}`;
      await ctx.registered(name);
      const other = await ctx.client();
      for (const variant of [name.toUpperCase(), name.toLowerCase()]) {
        await step(`REGISTER ${quote(variant)}`, async () => {
          other.sendParts(Opcode.REGISTER, variant);
          await other.expectError(ErrorText.USERNAME_TAKEN);
        });
      }
    },
  },
  {
    id: "2.16",
    section,
    title: "names clash after NFKC: ligature, full-width and decomposed forms of a held name",
    async run(ctx) {
      const tail = ctx.name("").slice(1);
      const held = `fiAé${tail}`;
      await ctx.registered(held);
      const other = await ctx.client();
      const variants = [`\ufb01Aé${tail}`, `fi\uff21é${tail}`, `fiAe\u0301${tail}`];
      for (const variant of variants) {
        await step(`REGISTER ${quote(variant)}`, async () => {
          other.sendParts(Opcode.REGISTER, variant);
          await other.expectError(ErrorText.USERNAME_TAKEN);
        });
      }
    },
  },
  {
    id: "2.17",
    section,
    title: "a PRIVATE finds its receiver case-insensitively",
    async run(ctx) {
      const receiver = await ctx.registered(`Bob${ctx.name("").slice(1)}`);
      const sender = await ctx.registered();
      sender.send({
        opcode: Opcode.PRIVATE,
        receiver: (receiver.name as string).toUpperCase(),
        message: "hello",
      });
      await receiver.expectForward(Opcode.PRIVATE_FWD, sender.name as string, "hello");
      await sender.expectOk();
    },
  },
];

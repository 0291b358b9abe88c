import { Opcode } from "@chat/protocol";
import { type ByteSource, toBytes } from "../bytes.js";
import { type Check, type CheckContext, step } from "../check.js";
import { quote } from "../describe.js";
import { groupSection } from "../sections.js";

const section = groupSection("2").title;

/**
 * A registered endpoint broadcasts each message; every one must get `message is invalid: …`
 * and none may be forwarded (the sender is a receiver of its own broadcasts).
 */
async function refusesBroadcasts(ctx: CheckContext, messages: ByteSource[]): Promise<void> {
  const client = await ctx.registered();
  for (const message of messages) {
    await step(`BROADCAST ${label(message)}`, async () => {
      client.sendParts(Opcode.BROADCAST, toBytes(message));
      await client.expectMessageInvalid();
    });
  }
  await client.expectSilence("no BROADCAST_FWD of a refused message");
}

function label(message: ByteSource): string {
  if (typeof message === "string") return quote(message);
  const bytes = toBytes(message);
  return bytes.length > 40
    ? `${bytes.length} bytes`
    : `bytes ${Buffer.from(bytes).toString("hex")}`;
}

export const messageChecks: Check[] = [
  {
    id: "2.18",
    section,
    title: "a message with ESC (a terminal escape sequence) gets `message is invalid: …`",
    run: (ctx) => refusesBroadcasts(ctx, ["\u001b[31mred", "a\u001b]0;title\u0007b", "\u001b"]),
  },
  {
    id: "2.19",
    section,
    title: "a message with CR is refused",
    run: (ctx) => refusesBroadcasts(ctx, ["line\rover", "crlf\r\n"]),
  },
  {
    id: "2.20",
    section,
    title: "a message with BEL or another C0 control (not TAB or LF) is refused",
    run: (ctx) => refusesBroadcasts(ctx, ["ding\u0007", "\u0001x", "a\u000bb", "a\u000cb"]),
  },
  {
    id: "2.21",
    section,
    title: "a message with a C1 control (U+0080–U+009F) is refused",
    run: (ctx) => refusesBroadcasts(ctx, ["csi\u009b31m", "nel\u0085x", "a\u0080"]),
  },
  {
    id: "2.22",
    section,
    title: "a message with DEL is refused",
    run: (ctx) => refusesBroadcasts(ctx, ["rub\u007fout"]),
  },
  {
    id: "2.23",
    section,
    title: "a message with NUL is refused",
    run: (ctx) => refusesBroadcasts(ctx, ["a\0b"]),
  },
  {
    id: "2.24",
    section,
    title: "a message of max-message bytes is forwarded whole; one byte more is refused",
    async run(ctx) {
      const max = ctx.settings.maxMessageBytes;
      const client = await ctx.registered();
      const longest = `${"m".repeat(max - 1)}!`;
      client.send({ opcode: Opcode.BROADCAST, message: longest });
      await step(`BROADCAST of ${max} bytes`, () =>
        client.expectForward(Opcode.BROADCAST_FWD, client.name as string, longest),
      );
      await step(`BROADCAST of ${max + 1} bytes`, async () => {
        client.send({ opcode: Opcode.BROADCAST, message: `${longest}!` });
        await client.expectMessageInvalid();
      });
      await client.expectSilence("no BROADCAST_FWD of a refused message");
    },
  },
  {
    id: "2.25",
    section,
    title: "an empty message is refused, in a BROADCAST and in a PRIVATE",
    async run(ctx) {
      await refusesBroadcasts(ctx, [""]);
      const sender = await ctx.registered();
      const receiver = await ctx.registered();
      sender.sendParts(Opcode.PRIVATE, receiver.name as string, "");
      await step("PRIVATE with an empty message", () => sender.expectMessageInvalid());
      await receiver.expectSilence("no PRIVATE_FWD of a refused message");
    },
  },
  {
    id: "2.26",
    section,
    title: "a message that is not valid UTF-8 (overlong, surrogate, 0xFF, cut) is refused",
    run: (ctx) =>
      refusesBroadcasts(ctx, [
        [0x61, 0xc0, 0xaf],
        [0x61, 0xed, 0xa0, 0x80],
        [0x61, 0xff, 0x62],
        [0x61, 0xe2, 0x82],
      ]),
  },
  {
    id: "2.27",
    section,
    title: "TAB and LF are accepted and forwarded unchanged",
    async run(ctx) {
      const client = await ctx.registered();
      const message = "col1\tcol2\nline two\n";
      client.send({ opcode: Opcode.BROADCAST, message });
      await client.expectForward(Opcode.BROADCAST_FWD, client.name as string, message);
    },
  },
  {
    id: "2.28",
    section,
    title: "non-ASCII text (emoji, RTL, combining marks) is forwarded byte for byte",
    async run(ctx) {
      const client = await ctx.registered();
      const message = "héllo 👋 שלום e\u0301 \u202eabc 名前";
      client.send({ opcode: Opcode.BROADCAST, message });
      await client.expectForward(Opcode.BROADCAST_FWD, client.name as string, message);
    },
  },
  {
    id: "2.29",
    section,
    title: "a PRIVATE applies the same message rules: ESC is refused and nothing is forwarded",
    async run(ctx) {
      const sender = await ctx.registered();
      const receiver = await ctx.registered();
      for (const message of ["\u001b[2J", "a\rb", `${"m".repeat(ctx.settings.maxMessageBytes)}!`]) {
        await step(`PRIVATE ${quote(message)}`, async () => {
          sender.sendParts(Opcode.PRIVATE, receiver.name as string, message);
          await sender.expectMessageInvalid();
        });
      }
      await receiver.expectSilence("no PRIVATE_FWD of a refused message");
    },
  },
];

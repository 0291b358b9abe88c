import {
  DEFAULTS,
  encode,
  MAX_DATA_BYTES,
  MAX_UNREGISTERED_REPLY_BYTES,
  Opcode,
} from "@chat/protocol";
import { seededRandom } from "@chat/protocol/testing";
import { frame } from "../bytes.js";
import { assert, type Check, fail, step } from "../check.js";
import { describeReceived } from "../describe.js";
import { groupSection } from "../sections.js";
import { blast, countOpcode, gather, isRateLimited, shortestGapMs } from "./flood.js";

const section = groupSection("5").title;
/** "At most one ERROR `rate limited` per second", less a little for timer jitter. */
const MIN_RATE_LIMITED_GAP_MS = 900;
const GARBAGE_SEED = 20261126;

export const abuseChecks: Check[] = [
  {
    id: "5.1",
    section,
    title: `every reply to an endpoint with no name is at most ${MAX_UNREGISTERED_REPLY_BYTES} bytes`,
    async run(ctx) {
      const big = "a".repeat(MAX_DATA_BYTES);
      const inputs: Array<[string, Uint8Array]> = [
        ["INFO_REQUEST", frame(Opcode.INFO_REQUEST)],
        ["LOGOUT", frame(Opcode.LOGOUT)],
        ["REGISTER of a 65,504-byte name", frame(Opcode.REGISTER, big)],
        ["REGISTER of 30 bidi overrides", frame(Opcode.REGISTER, "\u202e".repeat(30))],
        [
          "REGISTER of 60 bytes of bad UTF-8",
          frame(Opcode.REGISTER, new Uint8Array(60).fill(0xff)),
        ],
        ["BROADCAST of 65,504 bytes", frame(Opcode.BROADCAST, big)],
        ["PRIVATE to a 65,000-byte name", frame(Opcode.PRIVATE, `${big.slice(0, 65_000)}\0hi`)],
        ["LIST_REQUEST", frame(Opcode.LIST_REQUEST)],
        ["LIST_REQUEST with 65,504 bytes", frame(Opcode.LIST_REQUEST, big)],
        ["unknown opcode 255 with 65,504 bytes", frame(255, big)],
        ["truncated 65,535-byte LENGTH", frame(Opcode.BROADCAST, "a", 65_535)],
        ["trailing 65,000 bytes", frame(Opcode.INFO_REQUEST, big.slice(0, 65_000), 0)],
      ];
      const client = await ctx.client();
      for (const [label, bytes] of inputs) {
        await step(label, async () => {
          client.sendRaw(bytes);
          const reply = await client.receive();
          if (reply === undefined) fail("a reply", `nothing within ${ctx.settings.timeoutMs} ms`);
          assert(
            reply.size <= MAX_UNREGISTERED_REPLY_BYTES,
            `a reply of at most ${MAX_UNREGISTERED_REPLY_BYTES} bytes`,
            `${reply.size} bytes: ${describeReceived(reply)}`,
          );
        });
      }
    },
  },
  {
    id: "5.2",
    section,
    title: "a flooding endpoint does not stop the server serving others",
    async run(ctx) {
      const flooder = await ctx.registered();
      const other = await ctx.registered();
      const flood = blast(flooder, encode({ opcode: Opcode.INFO_REQUEST }), 400);
      other.send({ opcode: Opcode.PRIVATE, receiver: other.name as string, message: "still?" });
      await step("another user during the flood", async () => {
        await other.expectForward(Opcode.PRIVATE_FWD, other.name as string, "still?");
        await other.expectOk();
      });
      await flood;
      await gather(flooder, ctx.settings.silenceMs);
    },
  },
  {
    id: "5.3",
    section,
    title: "random garbage gets only small, well-formed replies and the server keeps serving",
    async run(ctx) {
      const random = seededRandom(GARBAGE_SEED);
      const senders = [
        await ctx.client(),
        await ctx.client(),
        await ctx.client(),
        await ctx.client(),
      ];
      for (const [index, sender] of senders.entries()) {
        for (let i = 0; i < 50; i++) {
          const size = random() < 0.05 ? Math.floor(random() * 65_507) : Math.floor(random() * 48);
          const bytes = new Uint8Array(size).map(() => Math.floor(random() * 256));
          // A random valid REGISTER would give the sender a name; the check is about strangers.
          if (bytes[0] === Opcode.REGISTER) bytes[0] = 99;
          sender.sendRaw(bytes);
        }
        await step(`replies to garbage sender ${index + 1}`, async () => {
          for (const { received } of await gather(sender, ctx.settings.silenceMs)) {
            if (!("packet" in received) || received.size > MAX_UNREGISTERED_REPLY_BYTES) {
              fail(
                `a well-formed reply of at most ${MAX_UNREGISTERED_REPLY_BYTES} bytes`,
                `${received.size} bytes: ${describeReceived(received)}`,
              );
            }
          }
        });
      }
      const user = await ctx.registered();
      user.send({ opcode: Opcode.BROADCAST, message: "after the storm" });
      await step("a user after the garbage", () =>
        user.expectForward(Opcode.BROADCAST_FWD, user.name as string, "after the storm"),
      );
    },
  },
  {
    id: "5.4",
    section,
    title:
      "a packet flood is cut by the per-endpoint limit: at most one `rate limited` ERROR a second",
    needs: { rateLimits: true },
    async run(ctx) {
      const flooder = await ctx.registered();
      const request = encode({ opcode: Opcode.INFO_REQUEST });
      const count = 3 * DEFAULTS.packetBurst;
      await blast(flooder, request, count);
      const first = await gather(flooder, ctx.settings.silenceMs);
      await ctx.sleep(Math.max(0, 1_100 - ctx.settings.silenceMs));
      await blast(flooder, request, count);
      const arrivals = [...first, ...(await gather(flooder, ctx.settings.silenceMs))];
      const answered = countOpcode(arrivals, Opcode.INFO_RESPONSE);
      const limited = arrivals.filter(isRateLimited).length;
      // Checked first: lost datagrams can thin out the answers, never invent this ERROR.
      assert(limited >= 1, 'at least one ERROR "rate limited"', "none");
      assert(answered < 2 * count, `fewer than ${2 * count} INFO_RESPONSEs`, `${answered}`);
      const gap = shortestGapMs(arrivals);
      assert(
        gap >= MIN_RATE_LIMITED_GAP_MS,
        'ERROR "rate limited" at most once a second',
        `two ${gap} ms apart (${limited} in all)`,
      );
      await ctx.sleep(1_000);
      flooder.send({ opcode: Opcode.INFO_REQUEST });
      await step("a second after the flood", () => flooder.expectInfo());
    },
  },
  {
    id: "5.5",
    section,
    title: "BROADCAST has a stricter limit: a broadcast flood is cut while other requests pass",
    needs: { rateLimits: true },
    async run(ctx) {
      const sender = await ctx.registered();
      const count = 3 * DEFAULTS.broadcastBurst;
      await blast(sender, sender.encode({ opcode: Opcode.BROADCAST, message: "spam" }), count);
      const arrivals = await gather(sender, ctx.settings.silenceMs);
      const forwarded = countOpcode(arrivals, Opcode.BROADCAST_FWD);
      const limited = arrivals.filter(isRateLimited).length;
      assert(forwarded >= 1, "some broadcasts forwarded", "none");
      assert(limited >= 1, 'at least one ERROR "rate limited"', "none");
      assert(
        forwarded < count,
        `fewer than ${count} of ${count} broadcasts forwarded`,
        `${forwarded}`,
      );
      const gap = shortestGapMs(arrivals);
      assert(
        gap >= MIN_RATE_LIMITED_GAP_MS,
        'ERROR "rate limited" at most once a second',
        `two ${gap} ms apart`,
      );
      const names = await step("LIST_REQUEST straight after", () => sender.list());
      assert(names.includes(sender.name as string), "the sender in the list", names.join(", "));
    },
  },
  {
    id: "5.6",
    section,
    title: "the per-endpoint limit also cuts a flood from an endpoint with no name",
    needs: { rateLimits: true },
    async run(ctx) {
      const stranger = await ctx.client();
      const count = 3 * DEFAULTS.packetBurst;
      await blast(stranger, encode({ opcode: Opcode.INFO_REQUEST }), count);
      const arrivals = await gather(stranger, ctx.settings.silenceMs);
      const answered = countOpcode(arrivals, Opcode.INFO_RESPONSE);
      // Where per-IP reply limits apply, they may swallow the notice itself.
      if (!ctx.settings.perIpLimits) {
        const limited = arrivals.filter(isRateLimited).length;
        assert(limited >= 1, 'at least one ERROR "rate limited"', "none");
      }
      assert(
        answered < count,
        `fewer than ${count} of ${count} INFO_REQUESTs answered`,
        `${answered}`,
      );
      await ctx.sleep(1_000);
      stranger.send({ opcode: Opcode.INFO_REQUEST });
      await step("a second after the flood", () => stranger.expectInfo());
    },
  },
];

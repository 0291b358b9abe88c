import { challengeToken, ErrorText, Opcode } from "@chat/protocol";
import { assert, type Check, fail, step } from "../check.js";
import { describePacket, quote } from "../describe.js";
import { groupSection } from "../sections.js";
import type { Settings } from "../settings.js";

const section = groupSection("3").title;
/** How often the watcher asks for the list while waiting for an expiry. */
const POLL_MS = 250;

/** The latest a user may still be present after `userTimeout` of silence. */
function expiryDeadlineMs(settings: Settings): number {
  return settings.userTimeoutS * 1500 + 2_000;
}

/** How long an expired endpoint must stay silent: a whole list push period when there is one. */
function quietAfterExpiryMs(settings: Settings): number {
  const push = settings.listIntervalS > 0 ? settings.listIntervalS * 1000 + 500 : 0;
  return Math.max(settings.silenceMs, Math.min(push, 15_000));
}

export const livenessChecks: Check[] = [
  {
    id: "3.10",
    section,
    title: "a user silent for user-timeout is removed, as if logged out, and then receives nothing",
    needs: { shortUserTimeout: true },
    budgetMs: (settings) =>
      expiryDeadlineMs(settings) + quietAfterExpiryMs(settings) + 10 * settings.timeoutMs,
    async run(ctx) {
      const timeoutMs = ctx.settings.userTimeoutS * 1000;
      const silent = await ctx.registered();
      const name = silent.name as string;
      const started = Date.now();
      const watcher = await ctx.registered();

      await ctx.sleep(timeoutMs / 2);
      const early = await watcher.list();
      if (!early.includes(name)) {
        fail(`${quote(name)} still listed after ${timeoutMs / 2} ms of silence`, "it was gone");
      }
      for (;;) {
        await ctx.sleep(POLL_MS);
        const names = await watcher.list();
        if (!names.includes(name)) break;
        const waited = Date.now() - started;
        if (waited > expiryDeadlineMs(ctx.settings)) {
          fail(
            `${quote(name)} removed after ${timeoutMs} ms of silence`,
            `still listed after ${waited} ms`,
          );
        }
      }
      // A push may have been on its way as the user expired.
      await ctx.sleep(50);
      await silent.drain();
      watcher.send({ opcode: Opcode.BROADCAST, message: "is anyone stale?" });
      await watcher.expectForward(Opcode.BROADCAST_FWD, watcher.name as string, "is anyone stale?");
      await step("the expired endpoint", () =>
        silent.expectSilence("nothing (no broadcast, no list push)", {
          strict: true,
          ms: quietAfterExpiryMs(ctx.settings),
        }),
      );
      silent.send({ opcode: Opcode.BROADCAST, message: "back" });
      await step("BROADCAST from the expired endpoint", () =>
        silent.expectError(ErrorText.NOT_REGISTERED),
      );
      const heir = await ctx.client();
      await step("REGISTER the expired name from another endpoint", () => heir.register(name));
    },
  },
  {
    id: "3.11",
    section,
    title:
      "every packet refreshes an unchecked user: INFO_REQUEST keep-alives hold it past user-timeout",
    needs: { shortUserTimeout: true },
    budgetMs: (settings) => settings.userTimeoutS * 2000 + 10 * settings.timeoutMs + 5_000,
    async run(ctx) {
      const timeoutMs = ctx.settings.userTimeoutS * 1000;
      // A plain REGISTER: a checked user (revision 3) is kept alive only by packets that
      // carry its token, so an INFO_REQUEST does not refresh it.
      const alive = await ctx.client();
      const plainName = ctx.name();
      const reply = await alive.registerPlain(plainName);
      if (reply.opcode === Opcode.ERROR && challengeToken(reply.text) !== undefined) {
        ctx.skip(
          "the target challenges a plain REGISTER (revision 3): no unchecked user to keep alive",
        );
      }
      assert(
        reply.opcode === Opcode.OK,
        `OK to REGISTER ${quote(plainName)}`,
        describePacket(reply),
      );
      alive.name = plainName;
      const until = Date.now() + 2 * timeoutMs;
      while (Date.now() < until) {
        await ctx.sleep(timeoutMs / 4);
        alive.send({ opcode: Opcode.INFO_REQUEST });
        await alive.expectInfo();
      }
      const names = await (await ctx.registered()).list();
      const name = alive.name as string;
      if (!names.includes(name)) {
        fail(`${quote(name)} still listed after ${2 * timeoutMs} ms of keep-alives`, "it was gone");
      }
    },
  },
];

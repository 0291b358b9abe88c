import { challengeToken, ErrorText, Opcode, type ServerPacket } from "@chat/protocol";
import { frame } from "../bytes.js";
import { assert, type Check, type CheckContext, fail, step } from "../check.js";
import type { TestClient } from "../client.js";
import { describePacket, describeReceived, quote } from "../describe.js";
import { groupSection } from "../sections.js";
import type { Settings } from "../settings.js";
import { gather } from "./flood.js";

const section = groupSection("6").title;

/*
 * Revision 3, the address check: `REGISTER name 0x00 cookie`, the challenge ERROR
 * `address check: <token>`, and the session token a checked endpoint's LOGOUT, LIST_REQUEST,
 * BROADCAST and PRIVATE end in. An RFC server answers a cookie with `username is invalid`
 * (a name holds no NUL): the failure says so, and --no-address-check skips this group.
 */

const CHALLENGE = 'ERROR "address check: <16 to 64 printable ASCII bytes>"';
const RFC_HINT =
  " (a server without revision 3's address check answers so: pass --no-address-check)";

/** The token of a challenge; fails, saying what came, when `reply` is none. */
function tokenOf(reply: ServerPacket, expected = CHALLENGE): string {
  const token = reply.opcode === Opcode.ERROR ? challengeToken(reply.text) : undefined;
  if (token !== undefined) return token;
  const rfc =
    reply.opcode === Opcode.ERROR && reply.text.startsWith(ErrorText.USERNAME_INVALID_PREFIX);
  fail(expected, `${describePacket(reply)}${rfc ? RFC_HINT : ""}`);
}

/** REGISTER `name 0x00 cookie` (empty: asking for a token); the challenge's token. */
async function askForToken(client: TestClient, name: string, cookie = ""): Promise<string> {
  client.sendParts(Opcode.REGISTER, name, cookie);
  return tokenOf(await client.next(CHALLENGE));
}

/** REGISTER `name 0x00 token` and expect OK: the endpoint is checked, `token` its session token. */
async function registerWith(client: TestClient, name: string, token: string): Promise<void> {
  client.sendParts(Opcode.REGISTER, name, token);
  await client.expectOk(`OK to REGISTER ${quote(name)} with the challenge's token`);
  client.name = name;
  client.token = token;
}

/** A new endpoint registered with a cookie, step by step, so a failure says which step. */
async function checkedUser(ctx: CheckContext, hint?: string): Promise<TestClient> {
  const client = await ctx.client();
  const name = ctx.name(hint);
  const token = await step("REGISTER with an empty cookie", () => askForToken(client, name));
  await step("REGISTER with the challenge's token", () => registerWith(client, name, token));
  return client;
}

/** How many list pushes may arrive within `ms`, at most. */
function pushesWithin(settings: Settings, ms: number): number {
  return settings.listIntervalS > 0 ? Math.floor(ms / (settings.listIntervalS * 1000)) + 1 : 0;
}

/** The bytes of a LIST_RESPONSE as it came, header included. */
function listBytes(names: readonly string[]): number {
  return 3 + Buffer.byteLength(names.join("\0"), "utf8");
}

export const addressCheckChecks: Check[] = [
  {
    id: "6.1",
    section,
    title:
      "REGISTER name 0x00 with an empty cookie gets exactly `address check: <token>`, 16 to 64 printable ASCII bytes, and no name",
    needs: { addressCheck: true },
    async run(ctx) {
      const client = await ctx.client();
      await step("REGISTER with an empty cookie", () => askForToken(client, ctx.name()));
      client.sendRaw(frame(Opcode.LIST_REQUEST));
      await step("LIST_REQUEST after the challenge", () =>
        client.expectError(ErrorText.NOT_REGISTERED),
      );
    },
  },
  {
    id: "6.2",
    section,
    title: "REGISTER name 0x00 <the challenge's token> gets OK, and the name is listed",
    needs: { addressCheck: true },
    async run(ctx) {
      const user = await checkedUser(ctx);
      const names = await step("LIST_REQUEST with the token", () => user.list());
      const name = user.name as string;
      assert(names.includes(name), `the list to hold ${quote(name)}`, names.map(quote).join(", "));
    },
  },
  {
    id: "6.3",
    section,
    title:
      "a token made for another endpoint, or a made-up one, gets a fresh challenge and no name",
    needs: { addressCheck: true },
    async run(ctx) {
      const other = await ctx.client();
      const foreign = await step("a token for another endpoint", () =>
        askForToken(other, ctx.name()),
      );
      const client = await ctx.client();
      const name = ctx.name();
      const fresh = await step("REGISTER with another endpoint's token", async () => {
        client.sendParts(Opcode.REGISTER, name, foreign);
        return tokenOf(await client.next(CHALLENGE), `a fresh ${CHALLENGE}`);
      });
      await step("BROADCAST after the refused token", async () => {
        client.sendRaw(frame(Opcode.BROADCAST, "am I in?"));
        await client.expectError(ErrorText.NOT_REGISTERED);
      });
      await step("REGISTER with a made-up cookie", async () => {
        client.sendParts(Opcode.REGISTER, name, "0.made-up-not-a-mac-at-all");
        tokenOf(await client.next(CHALLENGE), `a fresh ${CHALLENGE}`);
      });
      // Its own token still works: the refusals were about the token, not the endpoint.
      await step("REGISTER with its own fresh token", () => registerWith(client, name, fresh));
    },
  },
  {
    id: "6.4",
    section,
    title:
      "a checked user's LIST_REQUEST and BROADCAST without its token are dropped, never answered; with it they are",
    needs: { addressCheck: true },
    async run(ctx) {
      const user = await checkedUser(ctx);
      const name = user.name as string;
      const requests = pushesWithin(ctx.settings, 2 * ctx.settings.silenceMs) + 3;
      const started = Date.now();
      for (let i = 0; i < requests; i++) user.sendRaw(frame(Opcode.LIST_REQUEST));
      user.sendRaw(frame(Opcode.BROADCAST, "without my token"));
      const arrivals = await gather(user, ctx.settings.silenceMs);
      // A list push may come meanwhile; an answer to each request would be more than pushes.
      const pushes = pushesWithin(ctx.settings, Date.now() - started);
      const lists = arrivals.filter(
        ({ received }) => "packet" in received && received.packet.opcode === Opcode.LIST_RESPONSE,
      );
      const other = arrivals.find((arrival) => !lists.includes(arrival));
      if (other !== undefined) {
        fail(
          "no answer to a LIST_REQUEST or BROADCAST without the token",
          describeReceived(other.received),
        );
      }
      assert(
        lists.length <= pushes,
        `no answer to ${requests} LIST_REQUESTs without the token (at most ${pushes} list pushes)`,
        `${lists.length} LIST_RESPONSEs`,
      );
      const names = await step("LIST_REQUEST with the token", () => user.list());
      assert(names.includes(name), `the list to hold ${quote(name)}`, names.map(quote).join(", "));
      user.send({ opcode: Opcode.BROADCAST, message: "with my token" });
      await step("BROADCAST with the token", () =>
        user.expectForward(Opcode.BROADCAST_FWD, name, "with my token"),
      );
    },
  },
  {
    id: "6.5",
    section,
    title:
      "a checked user's LOGOUT and PRIVATE without its token are dropped: still listed, nothing sent; with it they work",
    needs: { addressCheck: true },
    async run(ctx) {
      const user = await checkedUser(ctx);
      const name = user.name as string;
      const peer = await ctx.registered();
      const peerName = peer.name as string;
      user.sendRaw(frame(Opcode.LOGOUT));
      user.sendRaw(frame(Opcode.PRIVATE, `${peerName}\0without my token`));
      await step("LOGOUT and PRIVATE without the token", () =>
        user.expectSilence("no answer to a LOGOUT or PRIVATE without the token"),
      );
      await step("the PRIVATE's receiver", () =>
        peer.expectSilence("no PRIVATE_FWD of a PRIVATE without the token"),
      );
      const names = await step("LIST_REQUEST from another user", () => peer.list());
      assert(
        names.includes(name),
        `${quote(name)} still listed after a LOGOUT without its token`,
        names.map(quote).join(", "),
      );
      user.send({ opcode: Opcode.PRIVATE, receiver: peerName, message: "with my token" });
      await step("PRIVATE with the token", async () => {
        await peer.expectForward(Opcode.PRIVATE_FWD, name, "with my token");
        await user.expectOk();
      });
      await step("LOGOUT with the token", () => user.logout());
    },
  },
  {
    id: "6.6",
    section,
    title:
      "a checked user is kept alive by REGISTER name 0x00 token, not by packets without its token",
    needs: { addressCheck: true, shortUserTimeout: true },
    budgetMs: (settings) => settings.userTimeoutS * 3000 + 20 * settings.timeoutMs + 5_000,
    async run(ctx) {
      const timeoutMs = ctx.settings.userTimeoutS * 1000;
      const kept = await checkedUser(ctx, "kept");
      const lapsed = await checkedUser(ctx, "lapsed");
      // Twice the timeout, then a margin for a server that expires users on a coarse tick.
      const until = Date.now() + 2 * timeoutMs + Math.min(timeoutMs, 2_000);
      while (Date.now() < until) {
        await ctx.sleep(timeoutMs / 4);
        await step("the keep-alive REGISTER with the token", () =>
          kept.register(kept.name as string),
        );
        lapsed.send({ opcode: Opcode.INFO_REQUEST });
        await step("INFO_REQUEST, which carries no token", () => lapsed.expectInfo());
      }
      const names = await step("LIST_REQUEST from another user", async () =>
        (await ctx.registered()).list(),
      );
      const keptName = kept.name as string;
      const lapsedName = lapsed.name as string;
      assert(
        names.includes(keptName),
        `${quote(keptName)} still listed after ${2 * timeoutMs} ms of keep-alive REGISTERs`,
        "it was gone",
      );
      assert(
        !names.includes(lapsedName),
        `${quote(lapsedName)} removed after ${2 * timeoutMs} ms of nothing but INFO_REQUESTs`,
        "still listed",
      );
    },
  },
  {
    id: "6.7",
    section,
    title: "with --address-check always, a plain REGISTER gets the challenge, then its token OK",
    needs: { addressCheck: true, addressCheckAlways: true },
    async run(ctx) {
      const client = await ctx.client();
      const name = ctx.name();
      const token = await step("a plain REGISTER", async () =>
        tokenOf(await client.registerPlain(name), `${CHALLENGE} to a plain REGISTER`),
      );
      await step("REGISTER with the challenge's token", () => registerWith(client, name, token));
    },
  },
  {
    id: "6.8",
    section,
    title:
      "an unchecked user is answered at most 3x the bytes it sent: a LIST_REQUEST for a longer list gets `rate limited`",
    needs: { addressCheck: true, perIpLimits: true },
    async run(ctx) {
      // Checked users with the longest names make the list long; they are not counted
      // against the plain user's share of the per-IP limits (revision 3).
      const helpers = Math.min(3, ctx.settings.maxUsersPerIp);
      const users: TestClient[] = [];
      for (let i = 0; i < helpers; i++) {
        users.push(await step(`checked user ${i + 1}`, () => checkedUser(ctx, "x".repeat(23))));
      }
      const plain = await ctx.client();
      const name = ctx.name("p".repeat(23));
      const registerBytes = 3 + Buffer.byteLength(name);
      const reply = await plain.registerPlain(name);
      if (reply.opcode === Opcode.ERROR && challengeToken(reply.text) !== undefined) {
        ctx.skip(
          "the target challenges plain REGISTERs now (--address-check always, or auto under pressure)",
        );
      }
      assert(
        reply.opcode === Opcode.OK,
        `OK to a plain REGISTER ${quote(name)}`,
        describePacket(reply),
      );
      plain.name = name;
      const list = await step("LIST_REQUEST from a checked user", () =>
        (users[0] as TestClient).list(),
      );
      const sent = registerBytes + 3;
      const budget = 3 * sent - 3; // less the OK already sent
      if (listBytes(list) <= budget) {
        ctx.skip(`the list is ${listBytes(list)} bytes, within the ${budget} bytes allowed`);
      }
      plain.sendRaw(frame(Opcode.LIST_REQUEST));
      // The first answer may be slow on a busy machine; what follows it comes with it.
      const first = await plain.receive();
      const arrivals =
        first === undefined
          ? []
          : [{ received: first }, ...(await gather(plain, ctx.settings.silenceMs))];
      const limited = arrivals.some(
        ({ received }) =>
          "packet" in received &&
          received.packet.opcode === Opcode.ERROR &&
          received.packet.text === ErrorText.RATE_LIMITED,
      );
      if (limited) return;
      const bytes = arrivals.reduce((sum, { received }) => sum + received.size, 0);
      assert(
        bytes > 0 && bytes <= budget,
        `ERROR "${ErrorText.RATE_LIMITED}", or at most ${budget} bytes, to a LIST_REQUEST from an unchecked user that sent ${sent} bytes`,
        arrivals.length === 0
          ? "nothing"
          : `${bytes} bytes: ${arrivals.map(({ received }) => describeReceived(received)).join(", ")}`,
      );
    },
  },
];

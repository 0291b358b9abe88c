import { ErrorText, Opcode } from "@chat/protocol";
import { type Check, fail, step } from "../check.js";
import { describePacket, quote } from "../describe.js";
import { groupSection } from "../sections.js";

const section = groupSection("3").title;

function listed(names: string[]): string {
  return `[${names.map(quote).join(", ")}]`;
}

export const registerChecks: Check[] = [
  {
    id: "3.1",
    section,
    title: "REGISTER with a fresh valid name answers OK and the name is listed",
    async run(ctx) {
      const client = await ctx.registered();
      const names = await client.list();
      const name = client.name as string;
      if (!names.includes(name)) fail(`LIST to hold ${quote(name)}`, listed(names));
    },
  },
  {
    id: "3.2",
    section,
    title: "REGISTER twice from the same endpoint answers OK",
    async run(ctx) {
      const client = await ctx.registered();
      const name = client.name as string;
      await step("the second REGISTER", () => client.register(name));
      const names = await client.list();
      const count = names.filter((listedName) => listedName === name).length;
      if (count !== 1) fail(`${quote(name)} listed once`, `${count} times in ${listed(names)}`);
    },
  },
  {
    id: "3.3",
    section,
    title:
      "REGISTER of another name from a registered endpoint gets `already registered as <name>`",
    async run(ctx) {
      const client = await ctx.registered();
      client.sendParts(Opcode.REGISTER, ctx.name());
      await client.expectError(ErrorText.alreadyRegisteredAs(client.name as string));
    },
  },
  {
    id: "3.4",
    section,
    title: "REGISTER of a name another endpoint holds gets exactly `username is already present`",
    async run(ctx) {
      const holder = await ctx.registered();
      const other = await ctx.client();
      other.sendParts(Opcode.REGISTER, holder.name as string);
      await other.expectError(ErrorText.USERNAME_TAKEN);
      await step("the holder is unaffected", async () => {
        other.sendParts(Opcode.BROADCAST, "am I in?");
        await other.expectError(ErrorText.NOT_REGISTERED);
        await holder.expectSilence();
      });
    },
  },
  {
    id: "3.5",
    section,
    title: "LOGOUT answers OK and frees the name for another endpoint",
    async run(ctx) {
      const first = await ctx.registered();
      const name = first.name as string;
      await first.logout();
      const second = await ctx.client();
      await step("REGISTER the freed name from another endpoint", () => second.register(name));
    },
  },
  {
    id: "3.6",
    section,
    title: "LOGOUT from an endpoint that holds no name answers OK, every time",
    async run(ctx) {
      const client = await ctx.client();
      for (const attempt of ["first", "second"]) {
        await step(`${attempt} LOGOUT`, async () => {
          client.send({ opcode: Opcode.LOGOUT });
          await client.expectOk("OK to LOGOUT");
        });
      }
      const user = await ctx.registered();
      await user.logout();
      await step("a repeated LOGOUT", async () => {
        user.send({ opcode: Opcode.LOGOUT });
        await user.expectOk("OK to LOGOUT");
      });
    },
  },
  {
    id: "3.7",
    section,
    title:
      "after LOGOUT the endpoint holds no name: not listed, `not registered`, free to REGISTER anew",
    async run(ctx) {
      const leaver = await ctx.registered();
      const name = leaver.name as string;
      const watcher = await ctx.registered();
      await leaver.logout();
      const names = await watcher.list();
      if (names.includes(name)) fail(`LIST without ${quote(name)}`, listed(names));
      leaver.sendParts(Opcode.BROADCAST, "still here?");
      await step("BROADCAST after LOGOUT", () => leaver.expectError(ErrorText.NOT_REGISTERED));
      await step("REGISTER another name", () => leaver.register(ctx.name()));
    },
  },
  {
    id: "3.8",
    section,
    title: "a client is its address and port: another socket on the same host holds no name",
    async run(ctx) {
      const user = await ctx.registered();
      const sameHost = await ctx.client();
      sameHost.sendParts(Opcode.BROADCAST, "impostor");
      await sameHost.expectError(ErrorText.NOT_REGISTERED);
      await user.expectSilence("no BROADCAST_FWD from an endpoint that holds no name");
    },
  },
  {
    id: "3.9",
    section,
    title: "REGISTER when maxUsers are present gets exactly `server is full`",
    needs: { smallMaxUsers: true },
    budgetMs: (settings) => 10_000 + settings.maxUsers * settings.timeoutMs,
    async run(ctx) {
      // Earlier users may still be present, so fill up to the limit, however many that takes.
      for (let count = 0; count <= ctx.settings.maxUsers; count++) {
        const client = await ctx.client();
        const reply = await client.registerAnswer(ctx.name("full"));
        if (reply.opcode === Opcode.OK) continue;
        if (reply.opcode === Opcode.ERROR && reply.text === ErrorText.SERVER_FULL) return;
        fail('OK or ERROR "server is full"', describePacket(reply));
      }
      fail('ERROR "server is full"', `OK to ${ctx.settings.maxUsers + 1} REGISTERs`);
    },
  },
];

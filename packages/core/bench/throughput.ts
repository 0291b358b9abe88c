/*
 * Prints what the core costs per datagram in the situations that matter: a broadcast to
 * 10,000 users, the everyday keep-alive, a private message, a flood over the limit and a
 * spray of forged sources. Core only (no sockets): `pnpm --filter @chat/core bench`.
 */

import { ChatServer, DenyList, type Endpoint, type ServerSettings } from "@chat/core";
import { encode } from "@chat/protocol";

const NOW = Date.UTC(2026, 10, 26);
const endpoint = (i: number): Endpoint => ({
  address: `10.${(i >> 16) & 0xff}.${(i >> 8) & 0xff}.${i & 0xff}`,
  port: 1024 + (i % 50_000),
});

function serverWith(users: number, settings: Partial<ServerSettings> = {}): ChatServer {
  const server = new ChatServer({
    listIntervalMs: 0,
    userTimeoutMs: 0,
    // Routing cost, as the RFC runs it: plain users from many addresses, no address check.
    addressCheck: "off",
    ...settings,
  });
  for (let i = 0; i < users; i++) {
    server.receive(encode({ opcode: 11, name: `user${i}` }), endpoint(i), NOW);
  }
  return server;
}

function measure(label: string, count: number, run: (i: number) => void): void {
  for (let i = 0; i < Math.min(count, 10_000); i++) run(i); // warm up
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) run(i);
  const ns = Number(process.hrtime.bigint() - start) / count;
  const perSecond = Math.round(1e9 / ns).toLocaleString("en-US");
  console.log(`${label.padEnd(58)} ${ns.toFixed(0).padStart(8)} ns  ${perSecond.padStart(12)}/s`);
}

const crowd = serverWith(10_000, { rateLimit: false });
const broadcast = encode({ opcode: 20, message: "hello everyone, this is a typical message" });
const info = encode({ opcode: 40 });
const privateMessage = encode({ opcode: 22, receiver: "user9999", message: "psst" });
const first = endpoint(0);

measure("BROADCAST to 10,000 users (one datagram, limits off)", 200_000, () => {
  crowd.receive(broadcast, first, NOW);
});
// The keep-alive is a REGISTER of the held name (protocol revision 2).
const keepAlives = Array.from({ length: 10_000 }, (_, i) =>
  encode({ opcode: 11, name: `user${i}` }),
);
measure("REGISTER keep-alive (the name held) from a registered user", 500_000, (i) => {
  crowd.receive(keepAlives[i % 10_000] as Uint8Array, endpoint(i % 10_000), NOW);
});

measure("INFO_REQUEST from a registered user", 500_000, (i) => {
  crowd.receive(info, endpoint(i % 10_000), NOW);
});
measure("PRIVATE between two registered users", 500_000, () => {
  crowd.receive(privateMessage, first, NOW);
});

const limited = serverWith(1);
measure("BROADCAST flood over the per-endpoint limit (dropped)", 1_000_000, () => {
  limited.receive(broadcast, first, NOW + 1);
});

const sprayed = serverWith(0, { maxTrackedAddresses: 100_000 });
measure("INFO_REQUEST from 1,000,000 distinct forged sources", 1_000_000, (i) => {
  sprayed.receive(info, endpoint(i + 1), NOW);
});
console.log(`  limiter entries afterwards: ${JSON.stringify(sprayed.stats().trackedEndpoints)}`);

// The deny list: what a ban of 1,000 networks costs a spray of nameless sources (each
// datagram is checked against it), beside the same spray with none, and what a banned
// source's flood costs (answered `banned` under the reply limit, or dropped).
const bannedNetworks = Array.from({ length: 1000 }, (_, i) => `192.${i >> 8}.${i & 0xff}.0/24`);
const denying = serverWith(0, { maxTrackedAddresses: 100_000 });
denying.deny(DenyList.parse(bannedNetworks));
measure("INFO_REQUEST from distinct sources, 1,000 networks banned", 1_000_000, (i) => {
  denying.receive(info, endpoint(i + 1), NOW);
});
const bannedSource: Endpoint = { address: "192.3.231.9", port: 4000 };
const register = encode({ opcode: 11, name: "mallory" });
measure("REGISTER flood from a banned address (1,000 networks banned)", 1_000_000, () => {
  denying.receive(register, bannedSource, NOW);
});

const ticking = serverWith(10_000, { userTimeoutMs: 90_000, listIntervalMs: 30_000 });
measure("tick() with 10,000 users and nothing due", 1_000_000, () => {
  ticking.tick(NOW + 1);
});

import { setTimeout as sleep } from "node:timers/promises";
/**
 * Soak: the real daemon under hours-like traffic, compressed. N honest clients chat, some
 * leave and others join every few seconds, and a trickle of garbage runs alongside. Every
 * few seconds a line shows deliveries, losses, duplicates and the daemon's memory; at the
 * end a verdict says whether memory stayed flat. Loopback only; stops by itself.
 *
 *   pnpm --filter server soak -- --duration 60 --clients 200
 */
import { parseArgs } from "node:util";
import { type ChatClient, ChatSocket, connect } from "@chat/client";
import { garbageDatagram } from "../src/attacks/support/garbage.js";
import { rssKiB, udpCounters } from "../src/attacks/support/kernel.js";
import { Random } from "../src/attacks/support/random.js";
import { type DaemonHandle, startDaemon } from "../src/testing/index.js";

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== "--"),
  options: {
    duration: { type: "string", default: "60" },
    clients: { type: "string", default: "200" },
    "report-every": { type: "string", default: "5" },
    "message-every": { type: "string", default: "5" },
    "churn-share": { type: "string", default: "0.05" },
    "churn-every": { type: "string", default: "2" },
    "garbage-rate": { type: "string", default: "200" },
    seed: { type: "string" },
  },
});
const DURATION_S = Number(values.duration);
const CLIENTS = Number(values.clients);
const REPORT_S = Number(values["report-every"]);
const MESSAGE_S = Number(values["message-every"]);
const CHURN_SHARE = Number(values["churn-share"]);
const CHURN_S = Number(values["churn-every"]);
const GARBAGE_RATE = Number(values["garbage-rate"]);
const random = new Random(values.seed === undefined ? Date.now() >>> 0 : Number(values.seed));
/** A message counts as lost if a member present throughout did not get it within this. */
const GRACE_MS = 3_000;

interface Member {
  readonly client: ChatClient;
  readonly joinedAt: number;
  leftAt: number | undefined;
  timer: NodeJS.Timeout | undefined;
}
interface Sent {
  readonly id: string;
  readonly at: number;
  readonly to: readonly string[];
}

const members = new Map<string, Member>();
const received = new Map<string, number>();
const pending: Sent[] = [];
const totals = { sent: 0, expected: 0, delivered: 0, lost: 0, duplicates: 0, joins: 0, leaves: 0 };
let nextName = 0;
let daemon: DaemonHandle;

async function join(): Promise<void> {
  const name = `soak${nextName++}`;
  const client = await connect({
    host: daemon.host,
    port: daemon.port,
    name,
    requestTimeoutMs: 250,
  });
  const member: Member = {
    client,
    joinedAt: performance.now(),
    leftAt: undefined,
    timer: undefined,
  };
  members.set(name, member);
  totals.joins++;
  client.on("broadcast", ({ message }) => {
    const key = `${name}|${message}`;
    received.set(key, (received.get(key) ?? 0) + 1);
  });
  let seq = 0;
  // Spread the clients' messages evenly over the interval.
  const first = random.int(0, MESSAGE_S * 1000);
  member.timer = setTimeout(function speak() {
    if (member.leftAt !== undefined) return;
    const id = `${name} #${seq++}`;
    const to = [...members].filter(([, m]) => m.leftAt === undefined).map(([n]) => n);
    pending.push({ id, at: performance.now(), to });
    totals.sent++;
    void client.broadcast(id);
    member.timer = setTimeout(speak, MESSAGE_S * 1000);
  }, first);
}

async function leave(name: string): Promise<void> {
  const member = members.get(name);
  if (member === undefined || member.leftAt !== undefined) return;
  member.leftAt = performance.now();
  clearTimeout(member.timer);
  totals.leaves++;
  await member.client.close();
}

/** Settles every message older than the grace time. */
function settle(now: number): void {
  while (pending.length > 0 && (pending[0] as Sent).at < now - GRACE_MS) {
    const sent = pending.shift() as Sent;
    for (const name of sent.to) {
      const member = members.get(name);
      // Only members present from the send until the grace time ran out are owed a copy.
      if (member?.leftAt !== undefined && member.leftAt < sent.at + GRACE_MS) continue;
      const copies = received.get(`${name}|${sent.id}`) ?? 0;
      received.delete(`${name}|${sent.id}`);
      totals.expected++;
      if (copies > 0) totals.delivered++;
      else totals.lost++;
      totals.duplicates += Math.max(0, copies - 1);
    }
  }
}

async function main(): Promise<void> {
  daemon = await startDaemon({
    args: ["--stats-interval", String(REPORT_S), "--log-level", "info"],
  });
  const pid = daemon.process.pid as number;
  console.log(
    `soak: ${CLIENTS} clients for ${DURATION_S} s on 127.0.0.1:${daemon.port}; a message per client every ${MESSAGE_S} s,` +
      ` ${CHURN_SHARE * 100}% of clients replaced every ${CHURN_S} s, ${GARBAGE_RATE} garbage datagrams/s, seed ${random.seed}`,
  );
  for (let i = 0; i < CLIENTS; i++) await join();
  const kernelBefore = udpCounters();
  const garbageSockets = await Promise.all(
    // 40 a second each stays under the per-endpoint limit (50/s), so the parser sees them all.
    Array.from({ length: Math.max(1, Math.ceil(GARBAGE_RATE / 40)) }, () =>
      ChatSocket.open({ host: daemon.host, port: daemon.port, queueLimit: 0 }),
    ),
  );
  let garbage = 0;
  const garbageTimer = setInterval(() => {
    for (let i = 0; i < GARBAGE_RATE / 10; i++) {
      garbageSockets[garbage++ % garbageSockets.length]?.sendRaw(garbageDatagram(random).bytes);
    }
  }, 100);
  const churnTimer = setInterval(() => {
    const present = [...members].filter(([, m]) => m.leftAt === undefined).map(([n]) => n);
    const count = Math.round(present.length * CHURN_SHARE);
    for (let i = 0; i < count; i++) {
      const [name] = present.splice(random.int(0, present.length - 1), 1);
      if (name !== undefined) void leave(name);
    }
    for (let i = 0; i < count; i++) void join();
  }, CHURN_S * 1000);

  const started = performance.now();
  const memory: Array<{ t: number; rssMiB: number }> = [];
  console.log(
    "     t  clients     sent  expected  delivered  lost  dups   garbage  RSS MiB  tracked",
  );
  while (performance.now() - started < DURATION_S * 1000) {
    await sleep(REPORT_S * 1000);
    const t = (performance.now() - started) / 1000;
    settle(performance.now());
    const rssMiB = rssKiB(pid) / 1024;
    memory.push({ t, rssMiB });
    const stats =
      daemon
        .logs()
        .filter((line) => line.msg === "stats")
        .at(-1) ?? {};
    const present = [...members.values()].filter((m) => m.leftAt === undefined).length;
    console.log(
      `${t.toFixed(0).padStart(6)}  ${String(present).padStart(7)}  ${String(totals.sent).padStart(7)}` +
        `  ${String(totals.expected).padStart(8)}  ${String(totals.delivered).padStart(9)}` +
        `  ${String(totals.lost).padStart(4)}  ${String(totals.duplicates).padStart(4)}` +
        `  ${String(garbage).padStart(8)}  ${rssMiB.toFixed(1).padStart(7)}  ${String(stats.trackedEndpoints ?? "?").padStart(7)}`,
    );
  }
  clearInterval(garbageTimer);
  clearInterval(churnTimer);
  for (const member of members.values()) clearTimeout(member.timer);
  await sleep(GRACE_MS + 500);
  settle(Number.POSITIVE_INFINITY);
  const kernelDrops = udpCounters().RcvbufErrors - kernelBefore.RcvbufErrors;
  await Promise.all([...members.keys()].map((name) => leave(name)));
  await Promise.all(garbageSockets.map((socket) => socket.close()));
  const alive = daemon.process.exitCode === null;
  const errors = daemon.logs().filter((line) => (line.level ?? 0) >= 50).length;
  await daemon.stop();

  // Flat: the last third of the run holds no more memory than the middle third, give or take 10%.
  const third = Math.max(1, Math.floor(memory.length / 3));
  const mean = (xs: typeof memory) => xs.reduce((s, x) => s + x.rssMiB, 0) / Math.max(1, xs.length);
  const middle = mean(memory.slice(third, 2 * third));
  const last = mean(memory.slice(2 * third));
  const flat = last <= middle * 1.1;
  console.log(
    `\nsoak done: ${totals.joins} joins, ${totals.leaves} leaves, ${totals.sent} messages, ${totals.expected} deliveries owed,` +
      ` ${totals.delivered} delivered, ${totals.lost} lost (kernel RcvbufErrors +${kernelDrops}), ${totals.duplicates} duplicates;` +
      ` ${garbage} garbage datagrams; daemon ${alive ? "stayed up" : "DIED"}, ${errors} error lines\n` +
      `memory: RSS mean ${middle.toFixed(1)} MiB in the middle third, ${last.toFixed(1)} MiB in the last: ${flat ? "flat" : "GROWING"}`,
  );
  process.exitCode = alive && errors === 0 && flat && totals.lost <= kernelDrops ? 0 : 1;
}

await main();

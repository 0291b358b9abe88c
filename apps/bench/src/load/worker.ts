/**
 * A load worker: owns many client endpoints (one ChatSocket, so one UDP socket, each),
 * sends open-loop at a set rate and checks every forward it receives. A message's text is
 * `seq:<n>:t:<ns>` (stamp.ts): the sender's sequence number and its send time on the
 * monotonic clock, which every thread of the process shares, so a receiver in any worker
 * measures one-way latency, loss and duplicates; the forward names the sender.
 */
import { parentPort } from "node:worker_threads";
import { ChatSocket } from "@chat/client";
import { Opcode, type ServerPacket } from "@chat/protocol";
import { Histogram } from "../histogram.js";
import { threadCpuSeconds } from "../proc-stats.js";
import { type Endpoint, nowNs } from "./endpoint.js";
import type {
  CloseCommand,
  Command,
  ListenCommand,
  ListenResult,
  OpenCommand,
  OpenResult,
  RunCommand,
  RunResult,
} from "./messages.js";
import { registerAll } from "./register.js";
import { SeenSet } from "./seen-set.js";
import { formatStamp, parseStamp } from "./stamp.js";

interface Group {
  readonly names: string[];
  readonly indexOfName: Map<string, number>;
  readonly endpoints: Endpoint[];
}

/** What the receive path adds to while a run or a listen is going on. */
interface Tally {
  received: number;
  unique: number;
  duplicates: number;
  oks: number;
  errors: number;
  errorSamples: string[];
  malformed: number;
  sendErrors: number;
  lastArrivalNs: number;
  readonly latency: Histogram;
  readonly listArrivals: number[];
}

const groups = new Map<string, Group>();
let tally = newTally();

function newTally(): Tally {
  return {
    received: 0,
    unique: 0,
    duplicates: 0,
    oks: 0,
    errors: 0,
    errorSamples: [],
    malformed: 0,
    sendErrors: 0,
    lastArrivalNs: 0,
    latency: new Histogram(),
    listArrivals: [],
  };
}

function receive(group: Group, endpoint: Endpoint, packet: ServerPacket): void {
  const arrival = nowNs();
  tally.lastArrivalNs = arrival;
  if (endpoint.registering) {
    if (packet.opcode === Opcode.OK || packet.opcode === Opcode.ERROR) {
      endpoint.registering(packet);
      return;
    }
  }
  switch (packet.opcode) {
    case Opcode.BROADCAST_FWD:
    case Opcode.PRIVATE_FWD: {
      tally.received++;
      const stamp = parseStamp(packet.message);
      const sender = group.indexOfName.get(packet.sender);
      if (sender === undefined || stamp === undefined) {
        tally.malformed++;
        return;
      }
      if (endpoint.seen.add(sender, stamp.seq)) {
        tally.unique++;
        tally.latency.record(arrival - stamp.sentAt);
      } else {
        tally.duplicates++;
      }
      return;
    }
    case Opcode.OK:
      tally.oks++;
      return;
    case Opcode.ERROR:
      tally.errors++;
      if (tally.errorSamples.length < 5) tally.errorSamples.push(packet.text);
      return;
    case Opcode.LIST_RESPONSE:
      tally.listArrivals.push(arrival);
      return;
    default:
      return;
  }
}

async function open(command: OpenCommand): Promise<OpenResult> {
  const group: Group = {
    names: command.names,
    indexOfName: new Map(command.names.map((name, i) => [name, i])),
    endpoints: [],
  };
  groups.set(command.group, group);
  const opened = await Promise.all(
    command.owned.map(async (index) => {
      // queueLimit 0: push-only, nothing is buffered for next().
      const socket = await ChatSocket.open({
        host: command.host,
        port: command.port,
        bindAddress: "127.0.0.1",
        queueLimit: 0,
      });
      const endpoint: Endpoint = {
        index,
        name: command.names[index] as string,
        socket,
        registering: undefined,
        seen: new SeenSet(),
      };
      socket.onPacket((packet) => receive(group, endpoint, packet));
      socket.onMalformed(() => tally.malformed++);
      socket.onError(() => tally.sendErrors++);
      return endpoint;
    }),
  );
  group.endpoints.push(...opened);
  return { ports: opened.map((endpoint) => endpoint.socket.localPort) };
}

function run(command: RunCommand): Promise<RunResult> {
  const group = groupOf(command.group);
  const senderCount = command.senders.length;
  // Message k of the whole step comes from sender k mod S as its sequence number k div S,
  // due at (seq + (position + 0.5) / S) periods: senders in every worker interleave evenly.
  const position = new Map(command.senders.map((index, i) => [index, i]));
  const senders = group.endpoints.filter((endpoint) => position.has(endpoint.index));
  const totalMessages = Math.round(
    command.ratePerSender * senderCount * (command.durationMs / 1000),
  );
  const totals = senders.map((e) =>
    Math.max(0, Math.ceil((totalMessages - (position.get(e.index) ?? 0)) / senderCount)),
  );
  const phase = senders.map((e) => ((position.get(e.index) ?? 0) + 0.5) / senderCount);
  const names = group.names;
  for (const endpoint of group.endpoints) endpoint.seen.clear();
  tally = newTally();
  let sent = 0;
  let lateSends = 0;
  let maxTickGapMs = 0;
  const nextSeq = new Array<number>(senders.length).fill(0);
  const periodNs = 1e9 / command.ratePerSender;
  const cpuBefore = threadCpuSeconds();
  const wallBefore = nowNs();

  const sendOne = (i: number, endpoint: Endpoint, seq: number) => {
    const now = nowNs();
    const dueAt = command.startAtNs + (seq + (phase[i] as number)) * periodNs;
    if (now - dueAt > 10e6) lateSends++;
    const message = formatStamp(seq, now);
    if (command.kind === "broadcast") {
      endpoint.socket.send({ opcode: Opcode.BROADCAST, message, token: endpoint.token });
    } else {
      // Each sender walks through every other user in turn.
      const offset = 1 + (seq % (names.length - 1));
      const receiver = names[(endpoint.index + offset) % names.length] as string;
      endpoint.socket.send({ opcode: Opcode.PRIVATE, receiver, message, token: endpoint.token });
    }
    sent++;
  };

  return new Promise((resolve) => {
    let lastTick = nowNs();
    const tick = () => {
      const now = nowNs();
      maxTickGapMs = Math.max(maxTickGapMs, (now - lastTick) / 1e6);
      lastTick = now;
      const elapsedPeriods = (now - command.startAtNs) / periodNs;
      let done = true;
      senders.forEach((endpoint, i) => {
        const total = totals[i] as number;
        const due = Math.min(total, Math.floor(elapsedPeriods - (phase[i] as number)) + 1);
        while ((nextSeq[i] as number) < due) {
          sendOne(i, endpoint, nextSeq[i] as number);
          nextSeq[i] = (nextSeq[i] as number) + 1;
        }
        if ((nextSeq[i] as number) < total) done = false;
      });
      if (done) drain();
      else setTimeout(tick, 1);
    };
    const drain = () => {
      const sendingEndedNs = nowNs();
      const check = () => {
        const now = nowNs();
        const quiet = now - Math.max(tally.lastArrivalNs, sendingEndedNs) > command.quietMs * 1e6;
        if (quiet || now - sendingEndedNs > command.drainMs * 1e6) return finish();
        setTimeout(check, 20);
      };
      check();
    };
    const finish = () => {
      const cpuAfter = threadCpuSeconds();
      resolve({
        sent,
        sendErrors: tally.sendErrors,
        received: tally.received,
        unique: tally.unique,
        duplicates: tally.duplicates,
        oks: tally.oks,
        errors: tally.errors,
        errorSamples: tally.errorSamples,
        malformed: tally.malformed,
        latency: tally.latency.toData(),
        cpuSeconds:
          cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore,
        wallSeconds: (nowNs() - wallBefore) / 1e9,
        maxTickGapMs,
        lateSends,
      });
    };
    setTimeout(
      () => {
        lastTick = nowNs();
        tick();
      },
      Math.max(0, (command.startAtNs - nowNs()) / 1e6),
    );
  });
}

function listen(command: ListenCommand): Promise<ListenResult> {
  groupOf(command.group);
  tally = newTally();
  const cpuBefore = threadCpuSeconds();
  return new Promise((resolve) =>
    setTimeout(() => {
      const cpuAfter = threadCpuSeconds();
      resolve({
        listPackets: tally.listArrivals.length,
        arrivals: tally.listArrivals,
        cpuSeconds:
          cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore,
      });
    }, command.durationMs),
  );
}

async function close(command: CloseCommand): Promise<null> {
  const found = groups.get(command.group);
  if (!found) return null;
  const keep = new Set(command.keep ?? []);
  const closing = found.endpoints.filter((endpoint) => !keep.has(endpoint.index));
  const kept = found.endpoints.filter((endpoint) => keep.has(endpoint.index));
  found.endpoints.length = 0;
  found.endpoints.push(...kept);
  if (command.keep === undefined) groups.delete(command.group);
  await Promise.all(closing.map((endpoint) => endpoint.socket.close()));
  return null;
}

function groupOf(name: string): Group {
  const group = groups.get(name);
  if (!group) throw new Error(`no endpoint group ${name} in this worker`);
  return group;
}

function execute(command: Command): Promise<unknown> {
  switch (command.type) {
    case "open":
      return open(command);
    case "register":
      return registerAll(groupOf(command.group).endpoints, command);
    case "run":
      return run(command);
    case "listen":
      return listen(command);
    case "close":
      return close(command);
  }
}

parentPort?.on("message", (message: { id: number; command: Command }) => {
  execute(message.command).then(
    (result) => parentPort?.postMessage({ id: message.id, ok: true, result }),
    (error: unknown) =>
      parentPort?.postMessage({
        id: message.id,
        ok: false,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      }),
  );
});

/**
 * Micro-benchmark of the codec: `pnpm --filter @chat/protocol bench`.
 * Prints operations per second and ns per operation (median of several timed rounds after a
 * warm-up). Figures depend on the machine; nothing here asserts a speed.
 */
import { decode } from "../decode.js";
import { encode } from "../encode.js";
import { decodeFrame, encodeFrame } from "../frame.js";
import { Opcode } from "../opcodes.js";
import type { Packet } from "../packets.js";
import { checkMessageBytes, decodeName, foldName } from "../text.js";

const WARMUP_MS = 300;
const ROUND_MS = 200;
const ROUNDS = 7;

/** Keeps results alive so that the JIT cannot drop the work being measured. */
let sink = 0;

interface Result {
  name: string;
  opsPerSecond: number;
  nsPerOp: number;
}

function measure(name: string, operation: () => number): Result {
  runFor(operation, WARMUP_MS);
  const rates: number[] = [];
  for (let round = 0; round < ROUNDS; round++) rates.push(runFor(operation, ROUND_MS));
  rates.sort((a, b) => a - b);
  const opsPerSecond = rates[Math.floor(rates.length / 2)] as number;
  return { name, opsPerSecond, nsPerOp: 1e9 / opsPerSecond };
}

/** Runs `operation` in batches for about `ms` milliseconds; returns operations per second. */
function runFor(operation: () => number, ms: number): number {
  const deadline = process.hrtime.bigint() + BigInt(ms) * 1_000_000n;
  const start = process.hrtime.bigint();
  let count = 0;
  let now = start;
  let batch = 64;
  while (now < deadline) {
    for (let i = 0; i < batch; i++) sink ^= operation();
    count += batch;
    now = process.hrtime.bigint();
    if (batch < 65_536) batch *= 2;
  }
  return count / (Number(now - start) / 1e9);
}

const sender = "alice_01"; // 8 bytes
const message =
  "The quick brown fox jumps over the lazy dog; pack my box with five dozen liquor jugs!! ok 100 bytes.";
const forward: Packet = { opcode: Opcode.BROADCAST_FWD, sender, message };
const forwardBytes = encode(forward);
const senderBytes = Buffer.from(sender, "utf8");
const unicodeName = Buffer.from("Zoë_日本", "utf8");

const names = Array.from({ length: 1_000 }, (_, i) => `user_${String(i).padStart(4, "0")}`);
const list: Packet = { opcode: Opcode.LIST_RESPONSE, names };
const listBytes = encode(list);

const broadcast = encode({ opcode: Opcode.BROADCAST, message });

function main(): void {
  if (Buffer.byteLength(message) !== 100)
    throw new Error("the benchmark message must be 100 bytes");
  const results = [
    measure("encode BROADCAST_FWD (8 B sender, 100 B message)", () => encode(forward).length),
    measure("decode BROADCAST_FWD (8 B sender, 100 B message)", () => decode(forwardBytes).opcode),
    measure(`encode LIST_RESPONSE (1,000 names, ${listBytes.length} B)`, () => encode(list).length),
    measure(
      `decode LIST_RESPONSE (1,000 names, ${listBytes.length} B)`,
      () => decode(listBytes).opcode,
    ),
    measure("server hot path: decodeFrame + checkMessageBytes (BROADCAST, 100 B)", () => {
      const raw = decodeFrame(broadcast, "toServer");
      if (raw.opcode !== Opcode.BROADCAST) return 0;
      return checkMessageBytes(raw.message) === undefined ? 1 : 2;
    }),
    measure("server hot path: + encodeFrame BROADCAST_FWD", () => {
      const raw = decodeFrame(broadcast, "toServer");
      if (raw.opcode !== Opcode.BROADCAST) return 0;
      if (checkMessageBytes(raw.message) !== undefined) return 2;
      return encodeFrame(Opcode.BROADCAST_FWD, [senderBytes, raw.message]).length;
    }),
    measure(
      "server PRIVATE receiver: decodeName + foldName (8 B ASCII)",
      () => foldName(decodeName(senderBytes)).length,
    ),
    measure(
      "server PRIVATE receiver: decodeName + foldName (Zoë_日本)",
      () => foldName(decodeName(unicodeName)).length,
    ),
  ];
  const width = Math.max(...results.map((r) => r.name.length));
  console.log(`@chat/protocol codec, Node ${process.version}, median of ${ROUNDS} rounds`);
  for (const r of results) {
    const ops = Math.round(r.opsPerSecond).toLocaleString("en-US").padStart(13);
    console.log(`${r.name.padEnd(width)}  ${ops} ops/s  ${r.nsPerOp.toFixed(1).padStart(9)} ns/op`);
  }
  if (sink === 0.5) console.log(sink); // never true; keeps `sink` observable
}

main();

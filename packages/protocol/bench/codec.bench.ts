/**
 * Micro-benchmark of the codec: `pnpm --filter @chat/protocol bench`.
 * Prints operations per second and ns per operation of CPU time (median of several timed
 * rounds after a warm-up). Figures depend on the machine; nothing here asserts a speed.
 *
 * `pnpm --filter @chat/protocol bench -- --against <dir>` also loads another build of the
 * package (`<dir>/index.js`, e.g. a `dist` built from main) and times both in alternating
 * rounds of one process, printing the ratio: on a shared machine only figures taken side by
 * side are comparable.
 */
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { decode } from "../src/decode.js";
import { encode } from "../src/encode.js";
import { FrameRefusal, ProtocolError } from "../src/errors.js";
import { decodeFrame, encodeFrame, inspectFrame } from "../src/frame.js";
import { Opcode } from "../src/opcodes.js";
import type { Packet } from "../src/packets.js";
import { checkMessageBytes, foldName, lookAlikeKey, parseName } from "../src/text.js";

const WARMUP_MS = 300;
const ROUND_MS = 200;
const ROUNDS = 7;
const SIDE_BY_SIDE_ROUNDS = 15;

/** Keeps results alive so that the JIT cannot drop the work being measured. */
let sink = 0;

type Operation = () => number;

/** The part of the public API the codec cases use, from this build or another one. */
interface Codec {
  encode: typeof encode;
  decode: typeof decode;
  decodeFrame: typeof decodeFrame;
  encodeFrame: typeof encodeFrame;
  checkMessageBytes: typeof checkMessageBytes;
  parseName: typeof parseName;
  foldName: typeof foldName;
  /** The look-alike key of a (valid, NFC) name and its fold, as this build's REGISTER computes it. */
  lookAlike: (name: string, folded: string) => string;
}

/** What another build exports: revision 2 builds have nameSkeleton(folded), not lookAlikeKey. */
interface OtherBuild extends Omit<Codec, "lookAlike"> {
  lookAlikeKey?: (name: string, folded?: string) => string;
  nameSkeleton?: (folded: string) => string;
}

/**
 * Runs `operation` in batches for about `ms` milliseconds; returns operations per second of
 * this process's CPU time, so that time spent descheduled on a busy machine does not count.
 */
function runFor(operation: Operation, ms: number): number {
  const deadline = process.hrtime.bigint() + BigInt(ms) * 1_000_000n;
  const cpu = process.cpuUsage();
  let count = 0;
  let batch = 64;
  while (process.hrtime.bigint() < deadline) {
    for (let i = 0; i < batch; i++) sink ^= operation();
    count += batch;
    if (batch < 65_536) batch *= 2;
  }
  const used = process.cpuUsage(cpu);
  return count / ((used.user + used.system) / 1e6);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** Median ns per operation of each operation, their rounds interleaved. */
function measure(operations: readonly Operation[], rounds: number): number[] {
  for (const operation of operations) runFor(operation, WARMUP_MS);
  const rates: number[][] = operations.map(() => []);
  for (let round = 0; round < rounds; round++) {
    // Alternate which goes first, so that neither always runs on a warmer or cooler CPU.
    const order = round % 2 === 0 ? operations.keys() : [...operations.keys()].reverse();
    for (const i of order) rates[i]?.push(runFor(operations[i] as Operation, ROUND_MS));
  }
  return rates.map((r) => 1e9 / median(r));
}

const sender = "alice_01"; // 8 bytes
const message =
  "The quick brown fox jumps over the lazy dog; pack my box with five dozen liquor jugs!! ok 100 bytes.";
const forward: Packet = { opcode: Opcode.BROADCAST_FWD, sender, message };
const names = Array.from({ length: 1_000 }, (_, i) => `user_${String(i).padStart(4, "0")}`);
const list: Packet = { opcode: Opcode.LIST_RESPONSE, names };
const senderBytes = Buffer.from(sender, "utf8");
const unicodeName = Buffer.from("Zoë_日本", "utf8");
const cyrillicName = Buffer.from("\u0410D\u041cIN_42", "utf8");

/** The codec cases, for one build. The bytes come from this build, so both read the same. */
function codecCases(codec: Codec): [string, Operation][] {
  const forwardBytes = encode(forward);
  const listBytes = encode(list);
  const broadcast = encode({ opcode: Opcode.BROADCAST, message });
  const requests = [
    encode({ opcode: Opcode.REGISTER, name: sender }),
    encode({ opcode: Opcode.PRIVATE, receiver: "bob", message }),
    broadcast,
    encode({ opcode: Opcode.INFO_REQUEST }),
  ];
  return [
    ["encode BROADCAST_FWD (8 B sender, 100 B message)", () => codec.encode(forward).length],
    ["decode BROADCAST_FWD (8 B sender, 100 B message)", () => codec.decode(forwardBytes).opcode],
    [`encode LIST_RESPONSE (1,000 names, ${listBytes.length} B)`, () => codec.encode(list).length],
    [
      `decode LIST_RESPONSE (1,000 names, ${listBytes.length} B)`,
      () => codec.decode(listBytes).opcode,
    ],
    [
      "server hot path: decodeFrame + checkMessageBytes (BROADCAST, 100 B)",
      () => {
        const raw = codec.decodeFrame(broadcast, "toServer");
        if (raw.opcode !== Opcode.BROADCAST) return 0;
        return codec.checkMessageBytes(raw.message) === undefined ? 1 : 2;
      },
    ],
    [
      "server hot path: + encodeFrame BROADCAST_FWD",
      () => {
        const raw = codec.decodeFrame(broadcast, "toServer");
        if (raw.opcode !== Opcode.BROADCAST) return 0;
        if (codec.checkMessageBytes(raw.message) !== undefined) return 2;
        return codec.encodeFrame(Opcode.BROADCAST_FWD, [senderBytes, raw.message]).length;
      },
    ],
    ...registerNameCases(codec),
    [
      "decodeFrame of REGISTER, PRIVATE, BROADCAST, INFO_REQUEST (4 datagrams)",
      () => {
        let sum = 0;
        for (const bytes of requests) sum += codec.decodeFrame(bytes, "toServer").opcode;
        return sum;
      },
    ],
  ];
}

/**
 * A REGISTER's name work: parse, fold and look-alike key (revision 3: of the NFKC name;
 * revision 2: the skeleton of the fold). The server then does two map look-ups (fold and
 * key) where revision 2 did one.
 */
function registerNameCases(codec: Codec): [string, Operation][] {
  const work = (bytes: Uint8Array) => () => {
    const name = codec.parseName(bytes);
    if (name === undefined) return 0;
    const folded = codec.foldName(name);
    return folded.length + codec.lookAlike(name, folded).length;
  };
  return [
    ["server REGISTER name: parse + fold + look-alike key (8 B ASCII)", work(senderBytes)],
    ["server REGISTER name: parse + fold + look-alike key (Zoë_日本)", work(unicodeName)],
    ["server REGISTER name: parse + fold + look-alike key (АDМIN_42)", work(cyrillicName)],
  ];
}

const receiverCases: [string, Operation][] = [
  [
    "server PRIVATE receiver: parseName + foldName (8 B ASCII)",
    () => foldName(parseName(senderBytes) ?? "").length,
  ],
  [
    "server PRIVATE receiver: parseName + foldName (Zoë_日本)",
    () => foldName(parseName(unicodeName) ?? "").length,
  ],
];

// A flood of garbage: what refusing one datagram costs as a value and as an exception.
const garbage = Uint8Array.of(Opcode.PRIVATE, 0, 3, 0x61, 0x62, 0x63); // no NUL separator
const refusalCases: [string, Operation][] = [
  [
    "refuse a malformed PRIVATE: inspectFrame (a value, the server's path)",
    () => {
      const result = inspectFrame(garbage, "toServer");
      return result instanceof FrameRefusal ? result.text.length : 0;
    },
  ],
  [
    "refuse a malformed PRIVATE: decodeFrame + catch (an exception)",
    () => {
      try {
        return decodeFrame(garbage, "toServer").opcode;
      } catch (error) {
        return error instanceof ProtocolError ? error.message.length : 0;
      }
    },
  ],
];

const thisBuild: Codec = {
  encode,
  decode,
  decodeFrame,
  encodeFrame,
  checkMessageBytes,
  parseName,
  foldName,
  lookAlike: lookAlikeKey,
};

function printAlone(): void {
  const cases = [...codecCases(thisBuild), ...receiverCases, ...refusalCases];
  const width = Math.max(...cases.map(([name]) => name.length));
  console.log(`@chat/protocol codec, Node ${process.version}, median of ${ROUNDS} rounds`);
  for (const [name, operation] of cases) {
    const [ns] = measure([operation], ROUNDS) as [number];
    const ops = Math.round(1e9 / ns)
      .toLocaleString("en-US")
      .padStart(13);
    console.log(`${name.padEnd(width)}  ${ops} ops/s  ${ns.toFixed(1).padStart(9)} ns/op`);
  }
}

async function printAgainst(dir: string): Promise<void> {
  const build = (await import(pathToFileURL(resolve(dir, "index.js")).href)) as OtherBuild;
  const { lookAlikeKey: key, nameSkeleton } = build;
  const lookAlike =
    key ?? ((_name: string, folded: string) => (nameSkeleton as (f: string) => string)(folded));
  const other: Codec = { ...build, lookAlike };
  const ours = codecCases(thisBuild);
  const theirs = codecCases(other);
  const width = Math.max(...ours.map(([name]) => name.length));
  console.log(
    `@chat/protocol codec, Node ${process.version}: this build against ${dir}, ` +
      `median of ${SIDE_BY_SIDE_ROUNDS} alternating rounds`,
  );
  console.log(`${"".padEnd(width)}  ${"this".padStart(9)}  ${"other".padStart(9)}  this/other`);
  ours.forEach(([name, operation], i) => {
    const [a, b] = measure([operation, (theirs[i] as [string, Operation])[1]], SIDE_BY_SIDE_ROUNDS);
    const ratio = (a as number) / (b as number);
    console.log(
      `${name.padEnd(width)}  ${(a as number).toFixed(1).padStart(9)}  ` +
        `${(b as number).toFixed(1).padStart(9)}  ${ratio.toFixed(3).padStart(10)}`,
    );
  });
}

if (Buffer.byteLength(message) !== 100) throw new Error("the benchmark message must be 100 bytes");
const at = process.argv.indexOf("--against");
if (at >= 0) {
  const dir = process.argv[at + 1];
  if (dir === undefined) throw new Error("--against needs a directory: a build's dist");
  await printAgainst(dir);
} else {
  printAlone();
}
if (sink === 0.5) console.log(sink); // never true; keeps `sink` observable

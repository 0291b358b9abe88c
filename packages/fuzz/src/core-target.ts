import { ChatServer, type ServerSettings } from "@chat/core";
import { DEFAULTS, encodeFrame, Opcode } from "@chat/protocol";
import fc from "fast-check";
import { CoreModel, type Peer } from "./core-model.js";
import { anyDatagram } from "./datagrams.js";
import { type FuzzTarget, fuzzTarget } from "./target.js";

/*
 * Core fuzz target: random sequences of datagrams from a small set of endpoints (so that
 * names clash, users share an address and the limits bite), with a fake clock that jumps
 * across the timeouts, checked step by step against CoreModel's invariants.
 */

const PEERS: readonly Peer[] = [
  ...["127.0.0.1", "127.0.0.2"].flatMap((a) => peers(a, a, 2)),
  ...["192.0.2.1", "192.0.2.2"].flatMap((a) => peers(a, a, 3)),
  ...peers("2001:db8::1", "2001:db8::/64", 2),
  ...peers("2001:db8::2:1", "2001:db8::/64", 2),
  ...peers("::1", "::1", 1),
];

function peers(address: string, group: string, count: number): Peer[] {
  return Array.from({ length: count }, (_, i) => ({ address, port: 40_000 + i, group }));
}

/** Names that clash once folded, names the rules refuse, and plain ones. */
const NAMES = [
  "alice",
  "Alice",
  "ALICE",
  "bob",
  "ｂｏｂ", // fullwidth: NFKC folds it to "bob"
  "\u00c5sa", // precomposed Å
  "A\u030asa", // A + combining ring: NFC gives the same name
  "carol",
  "dave",
  "{red-fg}",
  "a b", // whitespace
  "evil\u202e", // bidi override
  "zero\u200bwidth",
  "\u001b[2J",
  "",
  "x".repeat(33),
];

const MESSAGES = [
  "hi",
  "{red-fg}red{/red-fg}",
  "tab\tand\nnewline",
  "\u001b[2J",
  "\r",
  "",
  "é".repeat(8),
];

const bytesOf = (text: string) => Buffer.from(text, "utf8");

/** A client packet built from the pools, or hostile bytes. */
const datagram: fc.Arbitrary<Uint8Array> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom(...NAMES).map((n) => encodeFrame(Opcode.REGISTER, [bytesOf(n)])),
  },
  {
    weight: 4,
    arbitrary: fc.constantFrom(...MESSAGES).map((m) => encodeFrame(Opcode.BROADCAST, [bytesOf(m)])),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom(...NAMES), fc.constantFrom(...MESSAGES))
      .map(([n, m]) => encodeFrame(Opcode.PRIVATE, [bytesOf(n), bytesOf(m)])),
  },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom(Opcode.LOGOUT, Opcode.INFO_REQUEST, Opcode.LIST_REQUEST)
      .map((o) => encodeFrame(o, [])),
  },
  { weight: 3, arbitrary: anyDatagram },
);

// A few endpoints talk most, so that registered users are common and their traffic matters.
const FAVOURITES = [PEERS[0], PEERS[4], PEERS[5], PEERS[10]] as Peer[];
const peer = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...FAVOURITES) },
  { weight: 1, arbitrary: fc.constantFrom(...PEERS) },
);

type Step =
  | { kind: "receive"; peer: Peer; bytes: Uint8Array; advanceMs: number; repeat: number }
  | { kind: "tick"; advanceMs: number };

const advance = fc.oneof(
  { weight: 6, arbitrary: fc.constant(0) },
  { weight: 6, arbitrary: fc.integer({ min: 1, max: 200 }) },
  { weight: 2, arbitrary: fc.integer({ min: 200, max: 5_000 }) },
  { weight: 1, arbitrary: fc.integer({ min: 5_000, max: 120_000 }) },
);

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant("receive" as const),
      peer: peer,
      bytes: datagram,
      advanceMs: advance,
      // A burst of the same datagram, to reach the rate limits.
      repeat: fc.oneof(
        { weight: 9, arbitrary: fc.constant(1) },
        { weight: 1, arbitrary: fc.integer({ min: 2, max: 150 }) },
      ),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("tick" as const), advanceMs: advance }) },
);

const settings: fc.Arbitrary<Partial<ServerSettings>> = fc.record({
  maxUsers: fc.integer({ min: 1, max: 8 }),
  maxUsersPerIp: fc.integer({ min: 1, max: 4 }),
  registersPerIpPerMinute: fc.integer({ min: 1, max: 10 }),
  userTimeoutMs: fc.constantFrom(0, 3_000, 10_000, DEFAULTS.userTimeoutMs),
  listIntervalMs: fc.constantFrom(0, 1_000, DEFAULTS.listIntervalMs),
  maxMessageBytes: fc.constantFrom(8, DEFAULTS.maxMessageBytes),
  rateLimit: fc.boolean(),
  exemptNetworks: fc.constantFrom([], [...DEFAULTS.exemptNetworks]),
  // Small enough, at times, to force limiter eviction.
  maxTrackedAddresses: fc.constantFrom(2, 5, 100_000),
  // CoreModel holds the RFC's rules; revision 3's address check has its own tests in core.
  addressCheck: fc.constant("off" as const),
});

/** Random sequences never throw, and every step keeps CoreModel's invariants. */
export const coreKeepsInvariants = fc.property(
  settings,
  fc.array(step, { minLength: 1, maxLength: 80, size: "medium" }),
  fc.integer({ min: 0, max: 2 ** 40 }),
  (chosen, steps, start) => {
    const server = new ChatServer(chosen);
    // With eviction, a fresh (full) reply budget is allowed by design; only check without it.
    const model = new CoreModel(server, server.settings.maxTrackedAddresses >= 1_000);
    let now = start;
    for (const s of steps) {
      now += s.advanceMs;
      if (s.kind === "tick") model.tick(now);
      else for (let i = 0; i < s.repeat; i++) model.receive(s.bytes, s.peer, now);
    }
    // Let every per-endpoint bucket refill (100 packets at 50/s), expire who is due, probe the rest.
    now += 2_000;
    model.tick(now);
    model.probeEveryUser(now);
    server.shutdown();
  },
);

export const coreTargets: Record<string, FuzzTarget> = {
  coreKeepsInvariants: fuzzTarget(coreKeepsInvariants),
};

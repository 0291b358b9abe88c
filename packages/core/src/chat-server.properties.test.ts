import {
  decode,
  encode,
  foldName,
  MAX_UNREGISTERED_REPLY_BYTES,
  type Packet,
} from "@chat/protocol";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ChatServer } from "./chat-server.js";
import { endpointKey } from "./registry.js";
import { T0 } from "./test-support/harness.js";
import type { CoreEvent, Datagram, Endpoint } from "./types.js";

// A few endpoints sharing addresses (per-IP limits bite), incl. one IPv6 /64 and loopback.
const ENDPOINTS: readonly Endpoint[] = [
  { address: "203.0.113.1", port: 1 },
  { address: "203.0.113.1", port: 2 },
  { address: "203.0.113.2", port: 1 },
  { address: "2001:db8::1", port: 1 },
  { address: "2001:db8::2", port: 1 },
  { address: "127.0.0.1", port: 1 },
  { address: "::ffff:127.0.0.1", port: 2 },
];
const NAMES = [
  "alice",
  "Alice",
  "ALICE",
  "bob",
  "\ufb01x",
  "fix",
  "e\u0301",
  "\u00e9",
  "a b",
  "zed",
];
const TIMEOUT = 60_000;

const endpoint = fc.integer({ min: 0, max: ENDPOINTS.length - 1 });
const name = fc.constantFrom(...NAMES);
const message = fc.oneof(fc.constantFrom("hi", "x\ty", "\u001b[2J"), fc.string({ maxLength: 8 }));
const command = fc.oneof(
  fc.record({ kind: fc.constant("register" as const), endpoint, name }),
  fc.record({ kind: fc.constant("logout" as const), endpoint }),
  fc.record({ kind: fc.constant("broadcast" as const), endpoint, message }),
  fc.record({ kind: fc.constant("private" as const), endpoint, name, message }),
  fc.record({ kind: fc.constant("empty" as const), endpoint, opcode: fc.constantFrom(40, 42) }),
  fc.record({
    kind: fc.constant("raw" as const),
    endpoint,
    bytes: fc.uint8Array({ maxLength: 24 }),
  }),
  fc.record({ kind: fc.constant("wait" as const), ms: fc.integer({ min: 0, max: 45_000 }) }),
);

function packetOf(c: Cmd): Uint8Array | undefined {
  switch (c.kind) {
    case "register":
      return encode({ opcode: 11, name: c.name });
    case "logout":
      return encode({ opcode: 12 });
    case "broadcast":
      return encode({ opcode: 20, message: c.message });
    case "private":
      return encode({ opcode: 22, receiver: c.name, message: c.message });
    case "empty":
      return encode({ opcode: c.opcode } as Packet);
    case "raw":
      return c.bytes;
    default:
      return undefined;
  }
}
type Cmd = typeof command extends fc.Arbitrary<infer C> ? C : never;

/** The registry as the events tell it, in registration order. */
class EventModel {
  readonly users = new Map<string, Endpoint>();
  apply(events: readonly CoreEvent[], check: (e: CoreEvent) => void): void {
    for (const e of events) {
      check(e);
      if (e.type === "joined") this.users.set(e.name, e.endpoint);
      if (e.type === "left" || e.type === "expired") this.users.delete(e.name);
    }
  }
  nameAt(ep: Endpoint): string | undefined {
    for (const [n, at] of this.users) if (endpointKey(at) === endpointKey(ep)) return n;
    return undefined;
  }
}

function forwards(out: readonly Datagram[], opcode: number): Datagram[] {
  return out.filter((d) => d.bytes[0] === opcode);
}

describe("ChatServer properties over random datagram sequences", () => {
  it("keeps names unique, users reachable, broadcasts complete and expiry honest", () => {
    fc.assert(
      fc.property(fc.boolean(), fc.array(command, { maxLength: 60 }), (rateLimit, commands) => {
        const server = new ChatServer({
          rateLimit,
          userTimeoutMs: TIMEOUT,
          maxUsersPerIp: 2,
          addressCheck: "off",
        });
        const model = new EventModel();
        const heardAt = new Map<string, number>();
        let now = T0;
        const checkEvent = (e: CoreEvent) => {
          if (e.type !== "expired") return;
          // Never removes a user heard from within the timeout.
          expect(now - (heardAt.get(endpointKey(e.endpoint)) as number)).toBeGreaterThanOrEqual(
            TIMEOUT,
          );
        };
        for (const c of commands) {
          if (c.kind === "wait") {
            now += c.ms;
            server.tick(now);
            model.apply(server.takeEvents(), checkEvent);
            continue;
          }
          const from = ENDPOINTS[c.endpoint] as Endpoint;
          const senderName = model.nameAt(from);
          heardAt.set(endpointKey(from), now);
          const out = server.receive(packetOf(c) as Uint8Array, from, now);
          model.apply(server.takeEvents(), checkEvent);

          if (senderName === undefined) {
            // Replies to an endpoint with no name stay small (docs/protocol.md#6-abuse-limits).
            for (const d of out) {
              if (d.to.some((e) => endpointKey(e) === endpointKey(from))) {
                expect(d.bytes.length).toBeLessThanOrEqual(MAX_UNREGISTERED_REPLY_BYTES);
              }
            }
          }
          const fwd = forwards(out, 21);
          if (c.kind === "broadcast" && senderName !== undefined && fwd.length > 0) {
            // Exactly one forward per registered user, the bytes encoded once.
            expect(fwd).toHaveLength(1);
            const to = (fwd[0] as Datagram).to.map(endpointKey);
            expect(new Set(to).size).toBe(to.length);
            expect(to).toEqual([...model.users.values()].map(endpointKey));
          } else if (!rateLimit && c.kind === "broadcast" && senderName !== undefined) {
            // Without limits a valid broadcast is only refused for its message.
            expect(decode(out[0]?.bytes as Uint8Array)).toMatchObject({ opcode: 1 });
          } else {
            expect(fwd).toHaveLength(0);
          }

          const names = server.users();
          expect(names).toEqual([...model.users.keys()]);
          expect(new Set(names.map(foldName)).size).toBe(names.length);
        }
        // Every user is reachable by endpoint (REGISTER again is OK) and by name.
        now += 3_000; // refills every per-endpoint bucket
        server.tick(now);
        model.apply(server.takeEvents(), checkEvent);
        for (const [userName, at] of model.users) {
          const again = server.receive(encode({ opcode: 11, name: userName }), at, now);
          expect(again.map((d) => decode(d.bytes))).toEqual([{ opcode: 0 }]);
          const self = server.receive(
            encode({ opcode: 22, receiver: userName.toUpperCase(), message: "ping" }),
            at,
            now,
          );
          const delivered = forwards(self, 23);
          expect(delivered).toHaveLength(1);
          expect((delivered[0] as Datagram).to.map(endpointKey)).toEqual([endpointKey(at)]);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("never throws, whatever bytes arrive from wherever", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.uint8Array({ maxLength: 70 }), endpoint, fc.nat({ max: 5_000 })), {
          maxLength: 100,
        }),
        (datagrams) => {
          const server = new ChatServer();
          let now = T0;
          for (const [bytes, index, wait] of datagrams) {
            now += wait;
            server.receive(bytes, ENDPOINTS[index] as Endpoint, now);
            server.tick(now);
          }
          expect(server.stats().packetsIn).toBe(datagrams.length);
        },
      ),
    );
  });
});

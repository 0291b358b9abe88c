import { challengeToken, ErrorText, encode, Opcode, type Packet } from "@chat/protocol";
import { describe, expect, it } from "vitest";
import type { ServerSettings } from "./settings.js";
import { error, OK, peer, seen, TestServer, to } from "./test-support/harness.js";
import type { Endpoint } from "./types.js";

// docs/protocol.md#revision-3-the-address-check.
const SECRET = Buffer.alloc(32, 7);
const loopback = (port: number): Endpoint => ({ address: "127.0.0.1", port });

function server(settings: Partial<ServerSettings> = {}) {
  return new TestServer({ addressCheck: "auto", ...settings });
}

/** The token of the challenge a REGISTER with an empty cookie gets. */
function challenge(t: TestServer, from: Endpoint, name: string): string {
  const [answer] = t.reply(from, { opcode: Opcode.REGISTER, name, cookie: "" });
  const token = answer?.opcode === Opcode.ERROR ? challengeToken(answer.text) : undefined;
  if (token === undefined) throw new Error(`no challenge: ${JSON.stringify(answer)}`);
  return token;
}

/** Registers `name` checked: the challenge, then the REGISTER with its token. */
function checkedRegister(t: TestServer, from: Endpoint, name: string): string {
  const token = challenge(t, from, name);
  expect(t.reply(from, { opcode: Opcode.REGISTER, name, cookie: token })).toEqual([OK]);
  return token;
}

const bytesTo = (datagrams: ReturnType<TestServer["send"]>, endpoint: Endpoint) =>
  datagrams
    .filter((d) => d.to.some((e) => e.address === endpoint.address && e.port === endpoint.port))
    .reduce((sum, d) => sum + d.bytes.length, 0);

describe("the challenge", () => {
  it("answers an empty cookie with `address check: <token>`, 16 to 64 printable bytes", () => {
    const t = server();
    const [answer] = t.reply(peer(1), { opcode: Opcode.REGISTER, name: "alice", cookie: "" });
    expect(answer).toMatchObject({ opcode: 1, text: expect.stringMatching(/^address check: /) });
    const token = (answer as { text: string }).text.slice("address check: ".length);
    expect(token).toMatch(/^[\x21-\x7e]{16,64}$/);
    expect(t.server.users()).toEqual([]);
    expect(t.server.stats().challenges).toBe(1);
  });

  it("registers with the token, as a checked user", () => {
    const t = server();
    checkedRegister(t, peer(1), "alice");
    expect(t.server.users()).toEqual(["alice"]);
    expect(t.server.stats()).toMatchObject({
      checkedUsers: 1,
      uncheckedUsers: 0,
      tokensAccepted: 1,
    });
  });

  it("answers a token made for another endpoint, or a made-up one, with a fresh challenge", () => {
    const t = server();
    const token = challenge(t, peer(1), "alice");
    const other = { ...peer(1), port: peer(1).port + 1 };
    const [answer] = t.reply(other, { opcode: Opcode.REGISTER, name: "alice", cookie: token });
    expect(challengeToken((answer as { text: string }).text)).toBeDefined();
    const [forged] = t.reply(peer(2), {
      opcode: Opcode.REGISTER,
      name: "bob",
      cookie: "0.AAAAAAAAAAAAAAAAAAAAAA",
    });
    expect(challengeToken((forged as { text: string }).text)).toBeDefined();
    expect(t.server.users()).toEqual([]);
    expect(t.server.stats().tokensRefused).toBe(2);
  });

  it("accepts a token for at least 60 s and refuses it after 90 s", () => {
    const t = server();
    const token = challenge(t, peer(1), "alice");
    t.now += 60_000;
    expect(t.reply(peer(1), { opcode: Opcode.REGISTER, name: "alice", cookie: token })).toEqual([
      OK,
    ]);
    const late = challenge(t, peer(2), "bob");
    t.now += 90_000;
    const [answer] = t.reply(peer(2), { opcode: Opcode.REGISTER, name: "bob", cookie: late });
    expect(challengeToken((answer as { text: string }).text)).toBeDefined();
  });

  it("accepts tokens of the secret before a rotation, and is the same on two servers with one secret", () => {
    // Two nodes of a cluster given one secret (the daemon's --address-secret-file).
    const nodeA = new TestServer({ addressCheck: "auto" });
    const shared = (s: TestServer) => s.server.rotateAddressSecret(SECRET);
    shared(nodeA);
    const nodeB = new TestServer({ addressCheck: "auto" });
    shared(nodeB);
    const token = challenge(nodeA, peer(1), "alice");
    // Node B has rotated since: the secret before still verifies.
    nodeB.server.rotateAddressSecret(Buffer.alloc(32, 9));
    expect(nodeB.reply(peer(1), { opcode: Opcode.REGISTER, name: "alice", cookie: token })).toEqual(
      [OK],
    );
  });
});

describe("the session token", () => {
  it("must come with a checked user's LOGOUT, LIST_REQUEST, BROADCAST and PRIVATE", () => {
    const t = server();
    const alice = peer(1);
    const token = checkedRegister(t, alice, "alice");
    const plain: Packet[] = [
      { opcode: Opcode.LIST_REQUEST },
      { opcode: Opcode.BROADCAST, message: "hi" },
      { opcode: Opcode.PRIVATE, receiver: "alice", message: "hi" },
      { opcode: Opcode.LOGOUT },
    ];
    for (const packet of plain) expect(t.send(alice, packet)).toEqual([]);
    const wrong = "x".repeat(token.length);
    for (const packet of plain)
      expect(t.send(alice, { ...packet, token: wrong } as Packet)).toEqual([]);
    expect(t.server.stats().drops["bad-token"]).toBe(8);
    expect(t.server.users()).toEqual(["alice"]);

    expect(t.reply(alice, { opcode: Opcode.LIST_REQUEST, token })).toEqual([
      { opcode: Opcode.LIST_RESPONSE, names: ["alice"] },
    ]);
    expect(t.reply(alice, { opcode: Opcode.BROADCAST, message: "hi", token })).toEqual([
      { opcode: Opcode.BROADCAST_FWD, sender: "alice", message: "hi" },
    ]);
    expect(t.reply(alice, { opcode: Opcode.LOGOUT, token })).toEqual([OK]);
    expect(t.server.users()).toEqual([]);
  });

  it("is all a blind forger lacks: a sweep of forged LOGOUTs and BROADCASTs over every port does nothing", () => {
    const t = server({ rateLimit: false });
    const victim = { address: "198.51.100.7", port: 51_234 };
    checkedRegister(t, victim, "victim");
    const watcher = peer(2);
    checkedRegister(t, watcher, "watcher");
    let heard = 0;
    for (let port = 1024; port < 65_536; port++) {
      const from = { address: victim.address, port };
      heard += to(t.send(from, { opcode: Opcode.LOGOUT }), watcher).length;
      heard += to(t.send(from, { opcode: Opcode.BROADCAST, message: "I quit" }), watcher).length;
    }
    expect(heard).toBe(0);
    expect(t.server.users()).toEqual(["victim", "watcher"]);
  });

  it("does not keep a checked user alive when it comes without the token", () => {
    const t = server({ userTimeoutMs: 10_000 });
    const alice = peer(1);
    const token = checkedRegister(t, alice, "alice");
    t.now += 6_000;
    t.send(alice, { opcode: Opcode.LIST_REQUEST });
    t.advance(5_000);
    expect(t.server.users()).toEqual([]);
    // The keep-alive that does: REGISTER name 0x00 token, while the name is held.
    const b = server({ userTimeoutMs: 10_000 });
    const bobToken = checkedRegister(b, peer(2), "bob");
    b.now += 6_000;
    expect(b.reply(peer(2), { opcode: Opcode.REGISTER, name: "bob", cookie: bobToken })).toEqual([
      OK,
    ]);
    b.advance(5_000);
    expect(b.server.users()).toEqual(["bob"]);
    expect(token).not.toBe(bobToken);
  });

  it("tells a checked client the server forgot `not registered`, token and all", () => {
    const t = server();
    const [answer] = t.reply(peer(1), { opcode: Opcode.LIST_REQUEST, token: "a".repeat(30) });
    expect(answer).toEqual(error(ErrorText.NOT_REGISTERED));
  });
});

describe("plain RFC clients", () => {
  it("are served as before on a quiet server, and their NUL tails read as the RFC reads them", () => {
    const t = server();
    const alice = peer(1);
    expect(t.register(alice, "alice")).toEqual([OK]);
    expect(t.server.stats()).toMatchObject({ checkedUsers: 0, uncheckedUsers: 1 });
    // A message with a NUL, followed by what could pass for a token: still `message is invalid`.
    const bytes = Buffer.concat([
      Buffer.from([Opcode.BROADCAST, 0, 22]),
      Buffer.from("hi\0abcdefghijklmnopqrs"),
    ]);
    expect(to(t.raw(alice, bytes), alice)).toEqual([
      error(`${ErrorText.MESSAGE_INVALID_PREFIX}contains NUL`),
    ]);
  });

  it("are challenged under `always`, never from an exempt network, and never under `off`", () => {
    const always = server({ addressCheck: "always" });
    const [answer] = always.register(peer(1), "alice");
    expect(challengeToken((answer as { text: string }).text)).toBeDefined();
    expect(always.register(loopback(4000), "local")).toEqual([OK]);
    const off = server({ addressCheck: "off" });
    expect(off.register(peer(1), "alice")).toEqual([OK]);
    // A client that asks for a cookie gets one in every mode.
    const [asked] = off.reply(peer(2), { opcode: Opcode.REGISTER, name: "bob", cookie: "" });
    expect(challengeToken((asked as { text: string }).text)).toBeDefined();
  });

  it("are challenged under `auto` once unchecked users are many, while checked ones still get in", () => {
    const t = server({ maxUsers: 100, rateLimit: false });
    // min(1,000, maxUsers / 10) = 10 unchecked users; spread over seconds (20 a second arrive at most).
    for (let i = 0; i < 10; i++) expect(t.register(peer(i), `plain${i}`)).toEqual([OK]);
    const [answer] = t.register(peer(10), "plain10");
    expect(challengeToken((answer as { text: string }).text)).toBeDefined();
    checkedRegister(t, peer(11), "checked");
    expect(t.server.stats()).toMatchObject({ checkedUsers: 1, uncheckedUsers: 10 });
  });

  it("are challenged under `auto` while more than 20 a second arrive", () => {
    const t = server({ rateLimit: false });
    const answers = Array.from({ length: 30 }, (_, i) => t.register(peer(i), `fast${i}`)[0]);
    expect(answers.filter((a) => a?.opcode === Opcode.OK)).toHaveLength(20);
    t.now += 1_000;
    expect(t.register(peer(40), "later")).toEqual([OK]);
  });
});

describe("QUIC's 3x rule for unchecked users", () => {
  it("keeps a forged REGISTER and 100 LIST_REQUESTs from reflecting more than 3x what they sent", () => {
    const t = server({ rateLimit: false });
    for (let i = 0; i < 300; i++) {
      t.now += 60;
      checkedRegister(t, peer(i), `someone${i}`);
    }
    const victim = { address: "203.0.113.9", port: 443 };
    let sent = 0;
    let reflected = 0;
    const forge = (packet: Packet) => {
      const bytes = encode(packet);
      sent += bytes.length;
      reflected += bytesTo(t.server.receive(bytes, victim, t.now), victim);
    };
    forge({ opcode: Opcode.REGISTER, name: "victim" });
    for (let i = 0; i < 100; i++) forge({ opcode: Opcode.LIST_REQUEST });
    expect(t.server.users()).toContain("victim");
    expect(reflected).toBeLessThanOrEqual(3 * sent);
    expect(t.server.stats().drops["reply-budget"]).toBeGreaterThan(0);
  });

  it("does not bind checked users, nor users of exempt networks", () => {
    const t = server({ rateLimit: false });
    for (let i = 0; i < 100; i++) t.register(loopback(5000 + i), `local${i}`);
    const alice = peer(1);
    const token = checkedRegister(t, alice, "alice");
    const list = to(t.send(alice, { opcode: Opcode.LIST_REQUEST, token }), alice);
    expect(list[0]).toMatchObject({ opcode: Opcode.LIST_RESPONSE });
    const local = to(t.send(loopback(5000), { opcode: Opcode.LIST_REQUEST }), loopback(5000));
    expect(local[0]).toMatchObject({ opcode: Opcode.LIST_RESPONSE });
  });
});

describe("per-IP limits, checked and plain apart", () => {
  it("keeps a checked user of an address in after 10 forged REGISTERs from it", () => {
    const t = server({ maxUsersPerIp: 2 });
    const address = "198.51.100.20";
    for (let i = 0; i < 10; i++) t.register({ address, port: 2000 + i }, `forged${i}`);
    const [refused] = t.register({ address, port: 3000 }, "plain");
    expect(refused).toEqual(error(ErrorText.TOO_MANY_FROM_ADDRESS));
    checkedRegister(t, { address, port: 4000 }, "real");
    expect(t.server.users()).toContain("real");
  });

  it("limits packets from endpoints with no name per IP, so a port sweep takes minutes", () => {
    const t = server();
    const address = "198.51.100.30";
    let answered = 0;
    for (let port = 1024; port < 2024; port++) {
      answered += t.send({ address, port }, { opcode: Opcode.LOGOUT }).length;
    }
    // A burst of 200, of which the reply limit lets 10 answers out; the rest are dropped unseen.
    expect(t.server.stats().drops["nameless-rate-limited"]).toBe(800);
    expect(answered).toBeLessThanOrEqual(200);
  });
});

describe("the list push", () => {
  it("stretches its interval when users x names would pass listPushBytesPerSecond, and says so", () => {
    const t = new TestServer({ listIntervalMs: 1_000, listPushBytesPerSecond: 10_000 });
    for (let i = 0; i < 100; i++) t.register(peer(i), `user-number-${i}`);
    // One push: 100 users x ~1,600 bytes of names = ~160 KB, 16 s of a 10 KB/s budget.
    const first = t.advance(1_000);
    expect(seen(first).filter((s) => s.packet.opcode === Opcode.LIST_RESPONSE)).toHaveLength(100);
    const pushBytes = (first[0]?.bytes.length ?? 0) * 100;
    const stats = t.server.stats();
    expect(stats.listPushesStretched).toBe(1);
    expect(stats.listIntervalEffectiveMs).toBe(Math.ceil((pushBytes * 1000) / 10_000));
    expect(stats.listIntervalEffectiveMs).toBeGreaterThan(10_000);
    expect(t.advance(10_000)).toEqual([]);
    expect(t.advance(stats.listIntervalEffectiveMs - 10_000).length).toBeGreaterThan(0);
  });

  it("goes to checked users before unchecked ones", () => {
    const t = server({ listIntervalMs: 1_000, rateLimit: false });
    t.register(peer(1), "plain");
    checkedRegister(t, peer(2), "checked");
    const [push] = t.advance(1_000);
    expect(push?.to).toEqual([peer(2), peer(1)]);
  });
});

import { decode, ErrorText, encode, encodeUtf8, type Packet } from "@chat/protocol";
import { describe, expect, it } from "vitest";
import { ChatServer } from "./chat-server.js";
import type { Claim, Directory, RemotePrivate } from "./directory.js";
import { error, OK, peer, seen, T0, to } from "./test-support/harness.js";

/**
 * A directory that records what core asks and answers only when the test says: the seam is
 * core's, so it is tested here; packages/cluster-redis tests the real one against Redis.
 */
class RecordingDirectory implements Directory {
  available = true;
  claims: Claim[] = [];
  released: string[] = [];
  published: Uint8Array[] = [];
  privates: RemotePrivate[] = [];
  names: string[] = [];
  version = 0;
  isAvailable = () => this.available;
  claim = (claim: Claim) => void this.claims.push(claim);
  releaseIds: number[] = [];
  release = (name: string, _folded: string, id?: number) => {
    this.released.push(name);
    if (id !== undefined) this.releaseIds.push(id);
  };
  publishBroadcast = (forward: Uint8Array) => {
    if (!this.available) return false;
    this.published.push(forward);
    return true;
  };
  sendPrivate = (request: RemotePrivate) => void this.privates.push(request);
  listVersion = () => this.version;
  listNames = () => this.names.map(encodeUtf8);
}

function cluster() {
  const directory = new RecordingDirectory();
  const server = new ChatServer({}, { directory });
  const send = (from: ReturnType<typeof peer>, packet: Packet) =>
    server.receive(encode(packet), from, T0);
  /** Registers `name` at `from` with the cluster saying yes. */
  const join = (from: ReturnType<typeof peer>, name: string) => {
    send(from, { opcode: 11, name });
    const claim = directory.claims.at(-1) as Claim;
    return to(server.settleClaim(claim.id, "ok", T0), from);
  };
  return { directory, server, send, join };
}

describe("cluster mode: REGISTER", () => {
  it("answers a new name only once the cluster has settled its claim", () => {
    const { directory, server, send } = cluster();
    expect(send(peer(1), { opcode: 11, name: "Alice" })).toEqual([]);
    expect(directory.claims).toMatchObject([{ name: "Alice", folded: "alice", skeleton: "alice" }]);
    expect(server.users()).toEqual([]);
    const id = directory.claims[0]?.id as number;
    expect(to(server.settleClaim(id, "ok", T0), peer(1))).toEqual([OK]);
    expect(server.users()).toEqual(["Alice"]);
    expect(server.takeEvents()).toContainEqual({
      type: "joined",
      name: "Alice",
      endpoint: peer(1),
    });
  });

  it("refuses a name the cluster says is taken, full or unreachable", () => {
    const { directory, server, send } = cluster();
    const cases = [
      ["taken", ErrorText.USERNAME_TAKEN],
      ["full", ErrorText.SERVER_FULL],
      ["unavailable", ErrorText.CLUSTER_UNAVAILABLE],
    ] as const;
    for (const [i, [outcome, text]] of cases.entries()) {
      send(peer(i + 1), { opcode: 11, name: `user${i}` });
      const id = directory.claims.at(-1)?.id as number;
      expect(to(server.settleClaim(id, outcome, T0), peer(i + 1))).toEqual([error(text)]);
    }
    expect(server.users()).toEqual([]);
  });

  it("refuses at once with cluster unavailable when the directory is down, asking nothing", () => {
    const { directory, send } = cluster();
    directory.available = false;
    expect(to(send(peer(1), { opcode: 11, name: "alice" }), peer(1))).toEqual([
      error(ErrorText.CLUSTER_UNAVAILABLE),
    ]);
    expect(directory.claims).toEqual([]);
  });

  it("claims once for a retransmitted REGISTER and refuses a second endpoint for a name in flight", () => {
    const { directory, send } = cluster();
    send(peer(1), { opcode: 11, name: "alice" });
    expect(send(peer(1), { opcode: 11, name: "alice" })).toEqual([]);
    expect(to(send(peer(2), { opcode: 11, name: "ALICE" }), peer(2))).toEqual([
      error(ErrorText.USERNAME_TAKEN),
    ]);
    // A look-alike (Cyrillic а) of the name in flight clashes too.
    expect(to(send(peer(3), { opcode: 11, name: "\u0430lice" }), peer(3))).toEqual([
      error(ErrorText.USERNAME_TAKEN),
    ]);
    // A fold in flight with another key ("BILL": I looks like l), and a key in flight.
    send(peer(4), { opcode: 11, name: "bill" });
    expect(to(send(peer(5), { opcode: 11, name: "BILL" }), peer(5))).toEqual([
      error(ErrorText.USERNAME_TAKEN),
    ]);
    expect(to(send(peer(6), { opcode: 11, name: "biIl" }), peer(6))).toEqual([
      error(ErrorText.USERNAME_TAKEN),
    ]);
    expect(directory.claims).toHaveLength(2);
  });

  it("keeps local rules local: a keep-alive REGISTER and a local clash cost no claim", () => {
    const { directory, send, join } = cluster();
    expect(join(peer(1), "alice")).toEqual([OK]);
    expect(to(send(peer(1), { opcode: 11, name: "alice" }), peer(1))).toEqual([OK]);
    expect(to(send(peer(2), { opcode: 11, name: "Alice" }), peer(2))).toEqual([
      error(ErrorText.USERNAME_TAKEN),
    ]);
    expect(directory.claims).toHaveLength(1);
  });

  it("releases the name on LOGOUT and on expiry", () => {
    const { directory, server, send, join } = cluster();
    join(peer(1), "alice");
    join(peer(2), "bob");
    send(peer(1), { opcode: 12 });
    server.tick(T0 + server.settings.userTimeoutMs);
    expect(directory.released).toEqual(["alice", "bob"]);
  });

  it("answers a LOGOUT only once the cluster has released the name", () => {
    const { directory, server, send, join } = cluster();
    join(peer(1), "alice");
    expect(to(send(peer(1), { opcode: 12 }), peer(1))).toEqual([]);
    expect(server.users()).toEqual([]);
    const [id] = directory.releaseIds;
    expect(to(server.settleRelease(id as number), peer(1))).toEqual([OK]);
    expect(to(server.settleRelease(id as number), peer(1))).toEqual([]); // settled once
    expect(to(send(peer(2), { opcode: 12 }), peer(2))).toEqual([OK]); // no name: at once
  });

  it("evicts a local user whose name the cluster gave to someone else", () => {
    const { server, join } = cluster();
    join(peer(1), "alice");
    expect(to(server.evict("alice"), peer(1))).toEqual([error(ErrorText.USERNAME_TAKEN)]);
    expect(server.users()).toEqual([]);
  });
});

describe("cluster mode: BROADCAST", () => {
  it("publishes instead of sending, then delivers in the cluster's order to local users", () => {
    const { directory, server, send, join } = cluster();
    join(peer(1), "alice");
    join(peer(2), "bob");
    expect(send(peer(1), { opcode: 20, message: "hi" })).toEqual([]);
    expect(directory.published).toHaveLength(1);
    const out = server.deliverBroadcast(directory.published[0] as Uint8Array);
    expect(seen(out).map((s) => s.to)).toEqual([peer(1), peer(2)]);
    expect(decode(directory.published[0] as Uint8Array, { direction: "toClient" })).toEqual({
      opcode: 21,
      sender: "alice",
      message: "hi",
    });
  });

  it("delivers locally at once when the cluster cannot take it", () => {
    const { directory, send, join } = cluster();
    join(peer(1), "alice");
    directory.available = false;
    expect(to(send(peer(1), { opcode: 20, message: "hi" }), peer(1))).toEqual([
      { opcode: 21, sender: "alice", message: "hi" },
    ]);
  });
});

describe("cluster mode: PRIVATE", () => {
  it("sends to a local receiver without asking the cluster", () => {
    const { directory, send, join } = cluster();
    join(peer(1), "alice");
    join(peer(2), "bob");
    const out = send(peer(1), { opcode: 22, receiver: "bob", message: "psst" });
    expect(to(out, peer(2))).toEqual([{ opcode: 23, sender: "alice", message: "psst" }]);
    expect(to(out, peer(1))).toEqual([OK]);
    expect(directory.privates).toEqual([]);
  });

  it("routes a receiver not held here through the cluster: OK or user not found", () => {
    const { directory, server, send, join } = cluster();
    join(peer(1), "alice");
    send(peer(1), { opcode: 22, receiver: "Carol", message: "psst" });
    send(peer(1), { opcode: 22, receiver: "dave", message: "psst" });
    const [carol, dave] = directory.privates;
    expect(carol?.receiverFolded).toBe("carol");
    expect(decode(carol?.forward as Uint8Array, { direction: "toClient" })).toEqual({
      opcode: 23,
      sender: "alice",
      message: "psst",
    });
    expect(to(server.settlePrivate(carol?.id as number, "found", T0), peer(1))).toEqual([OK]);
    expect(to(server.settlePrivate(dave?.id as number, "not-found", T0), peer(1))).toEqual([
      error(ErrorText.userNotFound("dave")),
    ]);
  });

  it("puts the receiver's error before the message's, as protocol.md orders them", () => {
    const { directory, server, send, join } = cluster();
    join(peer(1), "alice");
    send(peer(1), { opcode: 22, receiver: "nobody", message: "\u001b[31m" });
    send(peer(1), { opcode: 22, receiver: "carol", message: "\u001b[31m" });
    const [nobody, carol] = directory.privates;
    expect(nobody?.forward).toBeUndefined();
    expect(to(server.settlePrivate(nobody?.id as number, "not-found", T0), peer(1))).toEqual([
      error(ErrorText.userNotFound("nobody")),
    ]);
    const [reply] = to(server.settlePrivate(carol?.id as number, "found", T0), peer(1));
    expect(reply).toMatchObject({ opcode: 1 });
    expect((reply as { text: string }).text.startsWith(ErrorText.MESSAGE_INVALID_PREFIX)).toBe(
      true,
    );
  });

  it("refuses with cluster unavailable when the receiver is elsewhere and the cluster is down", () => {
    const { directory, send, join } = cluster();
    join(peer(1), "alice");
    directory.available = false;
    expect(to(send(peer(1), { opcode: 22, receiver: "bob", message: "hi" }), peer(1))).toEqual([
      error(ErrorText.CLUSTER_UNAVAILABLE),
    ]);
  });

  it("delivers a PRIVATE_FWD from another node to the local receiver", () => {
    const { server, join } = cluster();
    join(peer(1), "alice");
    const forward = encode({ opcode: 23, sender: "zed", message: "yo" });
    expect(to(server.deliverPrivate("alice", forward), peer(1))).toEqual([
      { opcode: 23, sender: "zed", message: "yo" },
    ]);
    expect(server.deliverPrivate("nobody", forward)).toEqual([]);
  });
});

describe("cluster mode: LIST", () => {
  it("answers with the directory's list of every node's users, rebuilt when its version moves", () => {
    const { directory, send, join } = cluster();
    join(peer(1), "alice");
    directory.names = ["zed", "alice"];
    directory.version = 1;
    expect(to(send(peer(1), { opcode: 42 }), peer(1))).toEqual([
      { opcode: 43, names: ["zed", "alice"] },
    ]);
    directory.names = ["zed", "alice", "bob"];
    expect(to(send(peer(1), { opcode: 42 }), peer(1))).toEqual([
      { opcode: 43, names: ["zed", "alice"] },
    ]);
    directory.version = 2;
    expect(to(send(peer(1), { opcode: 42 }), peer(1))).toEqual([
      { opcode: 43, names: ["zed", "alice", "bob"] },
    ]);
  });
});

import type { ChatSocket } from "@chat/client";
import { Opcode, type ServerPacket } from "@chat/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Peers } from "./test-support/peers.js";
import { type DaemonHandle, startDaemon } from "./testing/index.js";

/*
 * Revision 3 keeps the RFC working (docs/protocol.md#revision-3-the-address-check): a plain
 * client, which never asks for a cookie, registers, chats and lists on a default server that
 * is not under attack, from an address that is not exempt (--exempt-networks "").
 */

let daemon: DaemonHandle;
let peers: Peers;

beforeAll(async () => {
  daemon = await startDaemon({ args: ["--exempt-networks", ""] });
  peers = new Peers(daemon.host, daemon.port);
});
afterAll(async () => {
  await peers?.closeAll();
  await daemon?.stop();
});

const answer = (socket: ChatSocket, accept: (p: ServerPacket) => boolean) =>
  socket.next(accept, 5_000);

describe("a plain RFC client on a default server, from a non-exempt address", () => {
  it("registers, broadcasts, sends a private message and lists, as the RFC says", async () => {
    const ann = await peers.open("127.60.0.1");
    const ben = await peers.open("127.60.0.2");
    ann.send({ opcode: Opcode.REGISTER, name: "ann" });
    expect(await answer(ann, (p) => p.opcode <= Opcode.ERROR)).toEqual({ opcode: Opcode.OK });
    ben.send({ opcode: Opcode.REGISTER, name: "ben" });
    expect(await answer(ben, (p) => p.opcode <= Opcode.ERROR)).toEqual({ opcode: Opcode.OK });

    ann.send({ opcode: Opcode.BROADCAST, message: "hello everyone" });
    const forward = { opcode: Opcode.BROADCAST_FWD, sender: "ann", message: "hello everyone" };
    expect(await answer(ben, (p) => p.opcode === Opcode.BROADCAST_FWD)).toEqual(forward);
    expect(await answer(ann, (p) => p.opcode === Opcode.BROADCAST_FWD)).toEqual(forward);

    ben.send({ opcode: Opcode.PRIVATE, receiver: "ann", message: "hi ann" });
    expect(await answer(ann, (p) => p.opcode === Opcode.PRIVATE_FWD)).toEqual({
      opcode: Opcode.PRIVATE_FWD,
      sender: "ben",
      message: "hi ann",
    });
    expect(await answer(ben, (p) => p.opcode <= Opcode.ERROR)).toEqual({ opcode: Opcode.OK });

    ann.send({ opcode: Opcode.LIST_REQUEST });
    expect(await answer(ann, (p) => p.opcode === Opcode.LIST_RESPONSE)).toEqual({
      opcode: Opcode.LIST_RESPONSE,
      names: ["ann", "ben"],
    });
    ann.send({ opcode: Opcode.LOGOUT });
    expect(await answer(ann, (p) => p.opcode <= Opcode.ERROR)).toEqual({ opcode: Opcode.OK });
  });
});

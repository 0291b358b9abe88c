import { ChatSocket } from "@chat/client";
import { ErrorText, encodeFrame, Opcode, type ServerPacket } from "@chat/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DaemonHandle } from "../testing/index.js";
import { startAttackDaemon } from "./support/daemon.js";

/*
 * Text built to attack terminals and parsers: the server refuses what docs/protocol.md#3-text
 * refuses, with the exact ERROR prefix, and forwards everything else byte for byte. (How
 * the terminal client shows what it receives is the TUI's own test.)
 */

const utf8 = (text: string) => Buffer.from(text, "utf8");
const OVERLONG_SLASH = Buffer.from([0x61, 0xe0, 0x80, 0xaf, 0x62]); // a, overlong '/', b
const LONE_SURROGATE = Buffer.from([0x61, 0xed, 0xa0, 0x80, 0x62]); // a, U+D800, b
const CUT_SEQUENCE = Buffer.from([0x61, 0xe2, 0x82]);

/** Names the rules refuse: controls, escapes, invisible format characters, bad UTF-8. */
const BAD_NAMES: Record<string, Buffer> = {
  "ESC [2J (clear screen)": utf8("\u001b[2J"),
  "OSC 52 (write the clipboard)": utf8("x\u001b]52;c;aGk=\u0007"),
  "carriage return": utf8("a\rb"),
  bell: utf8("ding\u0007"),
  "C1 CSI U+009B": utf8("a\u009b31m"),
  "C1 NEL U+0085": utf8("a\u0085b"),
  "right-to-left override U+202E": utf8("abc\u202efed"),
  "zero-width space U+200B": utf8("ad\u200bmin"),
  "byte order mark U+FEFF": utf8("\ufeffroot"),
  "replacement character U+FFFD": utf8("a\ufffdb"),
  "no-break space": utf8("a\u00a0b"),
  "overlong UTF-8": OVERLONG_SLASH,
  "lone surrogate": LONE_SURROGATE,
  "cut UTF-8 sequence": CUT_SEQUENCE,
};

/** Messages the rules refuse: C0/C1 controls other than TAB and LF, DEL, bad UTF-8, NUL. */
const BAD_MESSAGES: Record<string, Buffer> = {
  "ESC [2J (clear screen)": utf8("\u001b[2J"),
  "OSC 52 (write the clipboard)": utf8("\u001b]52;c;cm0gLXJmIH4=\u0007"),
  "ESC [31m colour": utf8("\u001b[31mred"),
  "carriage return (overwrite the line)": utf8("innocent\rEVIL"),
  bell: utf8("\u0007\u0007"),
  backspace: utf8("abc\b\b\b"),
  DEL: utf8("a\u007f"),
  "C1 CSI U+009B": utf8("\u009b2J"),
  "C1 OSC U+009D": utf8("\u009d52;c;aGk=\u009c"),
  NUL: Buffer.from([0x61, 0x00, 0x62]),
  "overlong UTF-8": OVERLONG_SLASH,
  "lone surrogate": LONE_SURROGATE,
  "cut UTF-8 sequence": CUT_SEQUENCE,
};

/** Legal text that merely looks dangerous: forwarded unchanged, byte for byte. */
const LEGAL_MESSAGES = [
  "{red-fg}blessed tags are text{/red-fg}",
  "{bold}{/}",
  "bidi \u202eoverride\u202c and isolate \u2066x\u2069",
  "zero\u200bwidth and \ufeff BOM",
  "tab\tand\nnewline",
  "emoji \u{1f600} and é and e\u0301",
  "\\x1b[2J written out, not an escape",
];

const LEGAL_NAMES = ["{red-fg}", "{/}", "日本語", "Ωmega", "e\u0301cole"];

let daemon: DaemonHandle;
const sockets: ChatSocket[] = [];

async function open(): Promise<ChatSocket> {
  const socket = await ChatSocket.open({ host: daemon.host, port: daemon.port });
  sockets.push(socket);
  return socket;
}

async function answer(socket: ChatSocket, bytes: Uint8Array): Promise<ServerPacket | undefined> {
  socket.clearBuffer();
  socket.sendRaw(bytes);
  return socket.next(
    (p) => p.opcode === Opcode.OK || p.opcode === Opcode.ERROR || p.opcode === Opcode.BROADCAST_FWD,
    2_000,
  );
}

async function registered(name: string): Promise<ChatSocket> {
  const socket = await open();
  expect(await answer(socket, encodeFrame(Opcode.REGISTER, [utf8(name)]))).toEqual({
    opcode: Opcode.OK,
  });
  return socket;
}

beforeAll(async () => {
  daemon = await startAttackDaemon(["--list-interval", "0"]);
}, 30_000);

afterAll(async () => {
  await Promise.all(sockets.map((socket) => socket.close()));
  await daemon?.stop();
});

describe("hostile text", () => {
  it.each(Object.entries(BAD_NAMES))(
    "REGISTER with %s is refused as an invalid username",
    async (_, name) => {
      const socket = await open();
      const reply = await answer(socket, encodeFrame(Opcode.REGISTER, [name]));
      expect(reply?.opcode).toBe(Opcode.ERROR);
      expect(reply?.opcode === Opcode.ERROR && reply.text).toMatch(
        new RegExp(`^${ErrorText.USERNAME_INVALID_PREFIX}.+`),
      );
    },
  );

  it("a PRIVATE to a hostile receiver name is refused as an invalid username", async () => {
    const sender = await registered("sender");
    for (const name of Object.values(BAD_NAMES)) {
      const reply = await answer(sender, encodeFrame(Opcode.PRIVATE, [name, utf8("hi")]));
      expect(reply?.opcode === Opcode.ERROR && reply.text).toMatch(
        new RegExp(`^${ErrorText.USERNAME_INVALID_PREFIX}.+`),
      );
    }
  });

  it("hostile messages are refused and never forwarded; legal look-alikes arrive unchanged", async () => {
    const mallory = await registered("mallory");
    const watcher = await registered("watcher");
    const seen: string[] = [];
    watcher.onPacket((packet) => {
      if (packet.opcode === Opcode.BROADCAST_FWD) seen.push(packet.message);
    });
    for (const [what, message] of Object.entries(BAD_MESSAGES)) {
      const reply = await answer(mallory, encodeFrame(Opcode.BROADCAST, [message]));
      expect(reply?.opcode === Opcode.ERROR && reply.text, what).toMatch(
        new RegExp(`^${ErrorText.MESSAGE_INVALID_PREFIX}.+`),
      );
      const toWatcher = await answer(
        mallory,
        encodeFrame(Opcode.PRIVATE, [utf8("watcher"), message]),
      );
      expect(toWatcher?.opcode === Opcode.ERROR && toWatcher.text, what).toMatch(
        new RegExp(`^${ErrorText.MESSAGE_INVALID_PREFIX}.+`),
      );
    }
    for (const message of LEGAL_MESSAGES) {
      const copy = await answer(mallory, encodeFrame(Opcode.BROADCAST, [utf8(message)]));
      expect(copy).toEqual({ opcode: Opcode.BROADCAST_FWD, sender: "mallory", message });
    }
    await watcher.next(
      (p) => p.opcode === Opcode.BROADCAST_FWD && p.message === LEGAL_MESSAGES.at(-1),
      2_000,
    );
    // Only the legal messages reached anyone, in order and unchanged.
    expect(seen).toEqual(LEGAL_MESSAGES);
  });

  it.each(LEGAL_NAMES)(
    "the legal name %j registers and is forwarded as the sender unchanged",
    async (name) => {
      const socket = await registered(name);
      const copy = await answer(socket, encodeFrame(Opcode.BROADCAST, [utf8("hello")]));
      // Stored NFC: "e\u0301cole" comes back as "\u00e9cole".
      expect(copy).toEqual({
        opcode: Opcode.BROADCAST_FWD,
        sender: name.normalize("NFC"),
        message: "hello",
      });
    },
  );
});

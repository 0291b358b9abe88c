import { spawn } from "node:child_process";
import { ChatSocket, connect } from "@chat/client";
import { type DaemonHandle, startDaemon } from "@chat/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chatExperts, DISSECTOR, dissectorFailures, findTshark, parsePdml } from "./tshark.js";

const CAPTURE_LIMIT_S = 30; // tshark stops by itself even if the test never stops it
const MARKER = "zz-end-of-capture";

interface Capture {
  /** PDML written so far. */
  text(): string;
  stop(): Promise<void>;
}

/**
 * Live tshark on the loopback interface, dissecting with the plugin as packets arrive (-l
 * flushes each one). Resolves once tshark says it is capturing; tshark's reason when this user may
 * not capture (no root, no CAP_NET_RAW on dumpcap).
 */
function captureLoopback(tshark: string, port: number): Promise<Capture | string> {
  const args = [
    "-i",
    "lo",
    "-f",
    // Only this test's own traffic: the daemon and its clients all sit on 127.0.0.1. Other
    // tests on the machine forge sources over every port of other 127/8 addresses, and
    // `udp port N` alone would match those whose source port happens to be N.
    `udp port ${port} and src host 127.0.0.1 and dst host 127.0.0.1`,
    "-l",
    "-n",
    "-a",
    `duration:${CAPTURE_LIMIT_S}`,
  ];
  args.push("-X", `lua_script:${DISSECTOR}`, "-o", `chat_udp.port:${port}`, "-T", "pdml");
  const child = spawn(tshark, args, { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    out += chunk;
  });
  const closed = new Promise<void>((resolve) => child.once("close", () => resolve()));
  return new Promise((resolve) => {
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      err += chunk;
      if (/Capturing on/.test(err)) {
        resolve({
          text: () => out,
          stop: async () => {
            child.kill("SIGINT");
            await closed;
          },
        });
      }
    });
    closed.then(() => resolve(err.trim() || "tshark exited before capturing"));
  });
}

async function until(condition: () => boolean, timeoutMs: number, everyMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

const tshark = findTshark();
// Skipped only where tshark is not installed (`.ci/run` installs it): there is nothing to run.
describe.skipIf(tshark === undefined)(
  "the Wireshark dissector, on the daemon's own traffic",
  () => {
    let daemon: DaemonHandle;
    let capture: Capture | string;
    let pdml = "";
    beforeAll(async () => {
      daemon = await startDaemon({ args: ["--list-interval", "0"] });
      capture = await captureLoopback(tshark!, daemon.port);
      if (typeof capture === "string") return;
      const options = { host: daemon.host, port: daemon.port, keepAliveMs: 0 };
      // "Capturing on" comes a moment before the filter is live: ask INFO until one is seen.
      const probe = await ChatSocket.open(options);
      const seen = () => (capture as Capture).text().includes("Opcode: INFO_REQUEST (40)");
      await until(
        () => {
          probe.sendRaw(Uint8Array.of(40, 0, 0));
          return seen();
        },
        10_000,
        100,
      );
      await probe.close();
      const alice = await connect({ ...options, name: "alice" });
      const bob = await connect({ ...options, name: "bob" });
      await alice.broadcast("hello from alice");
      await alice.sendPrivate("bob", "psst");
      await bob.list();
      await alice.info();
      const raw = await ChatSocket.open(options);
      raw.sendRaw(Buffer.from("1400056869", "hex")); // LENGTH 5, 2 bytes of DATA
      await raw.next((packet) => packet.opcode === 1, 2000);
      await alice.close();
      await bob.close();
      raw.send({ opcode: 11, name: MARKER });
      await raw.next(undefined, 2000);
      await raw.close();
      await until(
        () => capture !== undefined && (capture as Capture).text().includes(MARKER),
        10_000,
      );
      await capture.stop();
      pdml = capture.text();
    });
    afterAll(async () => {
      if (typeof capture === "object") await capture.stop();
      await daemon?.stop();
    });

    it("decodes every datagram the client and the server exchanged", (context) => {
      // Capturing needs root or CAP_NET_RAW (Debian asks whether to grant it to the wireshark
      // group); `.ci/run` runs as root. Without it the capture cannot start: say why, skip.
      if (typeof capture === "string") return context.skip(`tshark cannot capture: ${capture}`);
      const frames = parsePdml(pdml).filter((frame) => frame.one("chat_udp") !== undefined);
      for (const frame of frames) expect(dissectorFailures(frame)).toEqual([]);
      const withOpcode = (opcode: number) =>
        frames.filter((frame) => frame.one("chat_udp.opcode")?.show === String(opcode));

      const registers = withOpcode(11).map((frame) => frame.one("chat_udp.username")?.show);
      expect(registers).toEqual(expect.arrayContaining(["alice", "bob", MARKER]));
      for (const frame of withOpcode(11)) {
        expect(frame.one("chat_udp.direction")?.show).toBe("to server");
      }
      const forwarded = withOpcode(21).map((frame) => [
        frame.one("chat_udp.sender")?.show,
        frame.one("chat_udp.message")?.show,
        frame.one("chat_udp.direction")?.show,
      ]);
      expect(forwarded).toEqual([
        ["alice", "hello from alice", "to client"],
        ["alice", "hello from alice", "to client"],
      ]);
      const privates = withOpcode(22).map((frame) => frame.one("chat_udp.receiver")?.show);
      expect(privates).toEqual(["bob"]);
      const privateFwd = withOpcode(23).map((frame) => frame.one("chat_udp.message")?.show);
      expect(privateFwd).toEqual(["psst"]);
      const list = withOpcode(43)[0]!;
      expect(list.all("chat_udp.list.name").map((field) => field.show)).toEqual(["alice", "bob"]);
      const info = withOpcode(41)[0]!.one("chat_udp.text")?.show ?? "";
      expect(info).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ chat-server\//);
    });

    it("flags the malformed datagram and decodes the server's answer to it", (context) => {
      if (typeof capture === "string") return context.skip(`tshark cannot capture: ${capture}`);
      const frames = parsePdml(pdml).filter((frame) => frame.one("chat_udp") !== undefined);
      const flagged = frames.filter((frame) => chatExperts(frame).length > 0);
      expect(flagged.map(chatExperts)).toEqual([["chat_udp.truncated"]]);
      const errors = frames.filter((frame) => frame.one("chat_udp.opcode")?.show === "1");
      // The clients ask for a cookie first (revision 3): one challenge each, its token a field.
      const challenges = errors.filter((frame) => frame.one("chat_udp.token") !== undefined);
      expect(challenges).toHaveLength(2);
      expect(
        errors
          .filter((frame) => !challenges.includes(frame))
          .map((frame) => frame.one("chat_udp.text")?.show),
      ).toEqual([expect.stringMatching(/^malformed packet: /)]);
    });
  },
);

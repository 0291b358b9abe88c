import { Opcode } from "@chat/protocol";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { SAMPLED_LINES_PER_WINDOW } from "./activity-log.js";
import { Peers, pause } from "./test-support/peers.js";
import { type DaemonHandle, type LogLine, startDaemon } from "./testing/index.js";

const started: DaemonHandle[] = [];
const peerSets: Peers[] = [];
afterEach(async () => {
  await Promise.all(peerSets.splice(0).map((peers) => peers.closeAll()));
});
afterAll(async () => {
  await Promise.all(started.map((daemon) => daemon.stop("SIGKILL")));
});

/** Truncated, oversized-length, trailing bytes, unknown and server-only opcodes, empty. */
const GARBAGE: readonly Uint8Array[] = [
  Uint8Array.of(),
  Uint8Array.of(11),
  Uint8Array.of(20, 0, 50, 65),
  Uint8Array.of(12, 0, 0, 1, 2, 3),
  Uint8Array.of(99, 0, 0),
  Uint8Array.of(21, 0, 3, 97, 0, 98),
  Uint8Array.of(255, 255, 255, 255),
];

const SOCKETS = 5;
const DATAGRAMS_PER_SOCKET = 400;

type Drops = Record<string, number>;

/** Floods the daemon with GARBAGE and waits for a stats line for which `saw` holds. */
async function flood(
  args: string[],
  saw: (drops: Drops) => boolean,
): Promise<{ daemon: DaemonHandle; lines: LogLine[] }> {
  const daemon = await startDaemon({ args: ["--stats-interval", "0.5", ...args] });
  started.push(daemon);
  const peers = new Peers(daemon.host, daemon.port);
  peerSets.push(peers);
  const before = daemon.logs().length;
  for (let s = 0; s < SOCKETS; s++) {
    const socket = await peers.open();
    for (let i = 0; i < DATAGRAMS_PER_SOCKET; i++) socket.sendRaw(GARBAGE[i % GARBAGE.length]!);
    await pause(20); // let the kernel buffer drain between senders
  }
  // Wait for a stats line that saw the flood (on a loaded machine the daemon may still be
  // reading it when the first stats line comes), and the window summary that follows it.
  await daemon.waitForLog((line) => line.msg === "stats" && saw(line.drops as Drops), 15_000);
  await daemon.waitForLog((line) => String(line.msg).startsWith("suppressed"), 5000);

  // It still serves: a new endpoint gets its INFO_RESPONSE.
  const probe = await peers.open();
  probe.send({ opcode: Opcode.INFO_REQUEST });
  expect(await probe.next(2000)).toMatchObject({ opcode: Opcode.INFO_RESPONSE });
  return { daemon, lines: daemon.logs().slice(before) };
}

function linesWith(lines: LogLine[], msg: string): LogLine[] {
  return lines.filter((line) => line.msg === msg);
}

describe("log volume under a flood of garbage", () => {
  it("parses every datagram but logs only a sample and a summary", async () => {
    const refused = (drops: Drops) => drops.malformed! + drops["unknown-opcode"]! > 500;
    const { lines } = await flood(["--no-rate-limit"], refused);
    const drops = linesWith(lines, "stats").at(-1)!.drops as Drops;
    expect(refused(drops)).toBe(true);
    // Server-only opcodes (21 here) are counted apart and never answered (revision 2).
    expect(drops["server-opcode"]).toBeGreaterThan(0);

    expect(linesWith(lines, "malformed packet").length).toBeLessThanOrEqual(
      SAMPLED_LINES_PER_WINDOW * 2,
    );
    expect(linesWith(lines, "unknown opcode").length).toBeLessThanOrEqual(
      SAMPLED_LINES_PER_WINDOW * 2,
    );
    const summary = lines.find((line) => line.kind === "malformed");
    expect(summary).toMatchObject({ level: 40 });
    expect(Number(summary?.suppressed)).toBeGreaterThan(100);
    // 2,000 bad datagrams; a few dozen lines at most, whatever the timing.
    expect(lines.length).toBeLessThan(50);
  });

  it("with rate limits on, counts the drops and logs them sampled too", async () => {
    const { lines } = await flood([], (drops) => drops["rate-limited"]! > 500);
    const stats = linesWith(lines, "stats").at(-1)!;
    expect((stats.drops as Drops)["rate-limited"]).toBeGreaterThan(500);
    expect(linesWith(lines, "packet dropped").length).toBeLessThanOrEqual(
      SAMPLED_LINES_PER_WINDOW * 2,
    );
    expect(lines.length).toBeLessThan(50);
  });
});

import { decode, ErrorText, encode, Opcode, type Packet } from "@chat/protocol";
import { type DaemonHandle, startDaemon } from "@chat/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL_CHECKS } from "./checks/index.js";
import { runCheck } from "./runner.js";
import { DEFAULT_SETTINGS, type Settings } from "./settings.js";
import { type Fault, startFaultProxy } from "./test-support/fault-proxy.js";

/*
 * A check that cannot fail proves nothing. Each case puts a proxy that breaks one rule in
 * front of our (conforming) daemon and asserts that the check for that rule fails with a
 * message naming what was expected and what came instead.
 */

const settings: Settings = { ...DEFAULT_SETTINGS, userTimeoutS: 2, listIntervalS: 1 };

/** A fault that rewrites server packets of one opcode; `undefined` drops the packet. */
function rewriteToClient(opcode: number, change: (packet: Packet) => Packet | undefined): Fault {
  return {
    toClient(bytes) {
      if (bytes[0] !== opcode) return [bytes];
      const changed = change(decode(bytes));
      return changed === undefined ? [] : [encode(changed)];
    },
  };
}

/** A fault that changes the name of every REGISTER on its way to the server. */
function rewriteRegister(change: (name: string) => string): Fault {
  return {
    toServer(bytes) {
      if (bytes[0] !== Opcode.REGISTER) return [bytes];
      const packet = decode(bytes, { direction: "toServer" });
      if (packet.opcode !== Opcode.REGISTER) return [bytes];
      return [encode({ ...packet, name: change(packet.name) })];
    },
  };
}

function errorText(packet: Packet): string {
  return packet.opcode === Opcode.ERROR ? packet.text : "";
}

interface Case {
  readonly server: string;
  readonly fault: Fault;
  readonly check: string;
  readonly detail: string | RegExp;
}

const CASES: Case[] = [
  {
    server: "answers a taken name with its own words",
    fault: rewriteToClient(Opcode.ERROR, (packet) =>
      errorText(packet) === ErrorText.USERNAME_TAKEN
        ? { opcode: Opcode.ERROR, text: "name taken" }
        : packet,
    ),
    check: "3.4",
    detail: 'expected ERROR "username is already present", got ERROR "name taken"',
  },
  {
    server: "writes `unknown opcode: 99`",
    fault: rewriteToClient(Opcode.ERROR, (packet) => ({
      opcode: Opcode.ERROR,
      text: errorText(packet).replace(/^unknown opcode /, "unknown opcode: "),
    })),
    check: "1.6",
    detail: 'expected ERROR "unknown opcode 2", got ERROR "unknown opcode: 2"',
  },
  {
    server: "answers a server→client opcode with `unknown opcode <n>` (revision 1)",
    fault: {
      toServer(bytes, reply) {
        const opcode = bytes[0] ?? -1;
        if ([0, 1, 21, 23, 41, 43].includes(opcode)) {
          reply(encode({ opcode: Opcode.ERROR, text: ErrorText.unknownOpcode(opcode) }));
          return [];
        }
        return [bytes];
      },
    },
    check: "1.7",
    detail: /expected no answer to a server→client opcode, got ERROR "unknown opcode 0"/,
  },
  {
    server: "lets a look-alike name in (no skeleton check)",
    fault: rewriteToClient(Opcode.ERROR, (packet) =>
      errorText(packet) === ErrorText.USERNAME_TAKEN ? { opcode: Opcode.OK } : packet,
    ),
    check: "2.31",
    detail: /expected ERROR "username is already present", got OK/,
  },
  {
    server: "looks for look-alikes in the folded name, as revision 2 did",
    fault: rewriteRegister((name) => name.toLowerCase()),
    check: "2.33",
    detail:
      /^REGISTER "biIl[^"]*" while "bill[^"]*" is present: expected ERROR "username is already present", got OK$/,
  },
  {
    server: "refuses every name outside ASCII",
    fault: {
      toServer(bytes, reply) {
        if (bytes[0] !== Opcode.REGISTER || bytes.every((byte) => byte < 0x80)) return [bytes];
        reply(
          encode({ opcode: Opcode.ERROR, text: `${ErrorText.USERNAME_INVALID_PREFIX}not ASCII` }),
        );
        return [];
      },
    },
    check: "2.34",
    detail: /got ERROR "username is invalid: not ASCII"/,
  },
  {
    server: "takes blanks, fillers and repeated accents for letters",
    fault: rewriteRegister((name) => name.replace(/\u2800|\u3164|\u115f|\ufe0f|\u0301/gu, "x")),
    check: "2.35",
    detail: /^REGISTER "\u3164": expected ERROR "username is invalid: <reason>", got OK$/,
  },
  {
    server: "ignores malformed datagrams",
    fault: rewriteToClient(Opcode.ERROR, (packet) =>
      errorText(packet).startsWith(ErrorText.MALFORMED_PREFIX) ? undefined : packet,
    ),
    check: "1.1",
    detail: /expected ERROR "malformed packet: <reason>", got nothing within \d+ ms/,
  },
  {
    server: "acknowledges a BROADCAST with OK",
    fault: {
      toServer(bytes, reply) {
        if (bytes[0] === Opcode.BROADCAST) reply(encode({ opcode: Opcode.OK }));
        return [bytes];
      },
    },
    check: "4.1",
    // The injected OK overtakes the forward, so it shows up where the forward was expected.
    detail: /^sender: expected BROADCAST_FWD from "[^"]+": "hello, all", got OK$/,
  },
  {
    server: "lets terminal escapes through",
    fault: {
      toServer: (bytes) =>
        bytes[0] === Opcode.BROADCAST && bytes.includes(0x1b)
          ? [encode({ opcode: Opcode.BROADCAST, message: "[31mred" })]
          : [bytes],
    },
    check: "2.18",
    detail: /expected ERROR "message is invalid: <reason>", got BROADCAST_FWD/,
  },
  {
    server: "keeps names as sent instead of NFC",
    fault: rewriteToClient(Opcode.BROADCAST_FWD, (packet) =>
      packet.opcode === Opcode.BROADCAST_FWD
        ? { ...packet, sender: packet.sender.normalize("NFD") }
        : packet,
    ),
    check: "2.14",
    detail: /expected BROADCAST_FWD from "Ångstro\w+": "hi", got BROADCAST_FWD from "A\u030angstro/,
  },
  {
    server: "lists the newest user first",
    fault: rewriteToClient(Opcode.LIST_RESPONSE, (packet) =>
      packet.opcode === Opcode.LIST_RESPONSE
        ? { ...packet, names: [...packet.names].reverse() }
        : packet,
    ),
    check: "4.13",
    detail: /in this order, each once, got \[/,
  },
  {
    server: "never pushes the list",
    fault: rewriteToClient(Opcode.LIST_RESPONSE, () => undefined),
    check: "4.14",
    detail: /expected a LIST_RESPONSE push within \d+ ms, got nothing/,
  },
  {
    server: "pushes the list in storms (ten copies of each)",
    fault: {
      toClient: (bytes) =>
        bytes[0] === Opcode.LIST_RESPONSE ? Array.from({ length: 10 }, () => bytes) : [bytes],
    },
    check: "4.14",
    detail: /expected about 3 pushes in \d+ ms \(1 to 5 on a loaded machine\), got \d+/,
  },
  {
    server: "dates INFO_RESPONSE in its own format",
    fault: rewriteToClient(Opcode.INFO_RESPONSE, () => ({
      opcode: Opcode.INFO_RESPONSE,
      text: "Thu Nov 26 2026 06:00:00 chat/1",
    })),
    check: "4.11",
    detail: /got "Thu Nov 26 2026 06:00:00 chat\/1"/,
  },
  {
    server: "echoes long input in its ERRORs to strangers",
    fault: rewriteToClient(Opcode.ERROR, (packet) => ({
      opcode: Opcode.ERROR,
      text: `${errorText(packet)} ${"x".repeat(200)}`,
    })),
    check: "5.1",
    detail: /expected a reply of at most 128 bytes, got \d{3} bytes/,
  },
  {
    server: "checks a name's owner before its own endpoint's name",
    fault: rewriteToClient(Opcode.ERROR, (packet) =>
      errorText(packet).startsWith("already registered as ")
        ? { opcode: Opcode.ERROR, text: ErrorText.USERNAME_TAKEN }
        : packet,
    ),
    check: "4.20",
    detail:
      /^REGISTER of a name another endpoint holds: expected ERROR "already registered as [^"]+", got ERROR "username is already present"$/,
  },
  {
    server: "never says `rate limited`",
    fault: rewriteToClient(Opcode.ERROR, (packet) =>
      errorText(packet) === ErrorText.RATE_LIMITED ? undefined : packet,
    ),
    check: "5.4",
    detail: 'expected at least one ERROR "rate limited", got none',
  },
  {
    server: "never expires a silent user",
    fault: {
      // Keep every endpoint alive behind its back, and hide the answers.
      onClient(upstream) {
        const timer = setInterval(() => upstream(encode({ opcode: Opcode.INFO_REQUEST })), 400);
        return () => clearInterval(timer);
      },
      toClient: (bytes) => (bytes[0] === Opcode.INFO_RESPONSE ? [] : [bytes]),
    },
    check: "3.10",
    detail: /removed after 2000 ms of silence, got still listed after \d+ ms/,
  },
];

function checkById(id: string) {
  const check = ALL_CHECKS.find((candidate) => candidate.id === id);
  if (check === undefined) throw new Error(`no check ${id}`);
  return check;
}

describe("each check fails on a server that breaks its rule", () => {
  let daemon: DaemonHandle | undefined;
  beforeAll(async () => {
    daemon = await startDaemon({ args: ["--user-timeout", "2", "--list-interval", "1"] });
  }, 15_000);
  afterAll(async () => {
    await daemon?.stop();
  });

  for (const { server, fault, check: id, detail } of CASES) {
    it(`${id} fails when the server ${server}`, async () => {
      const proxy = await startFaultProxy(daemon as DaemonHandle, fault);
      try {
        const result = await runCheck(checkById(id), proxy, settings);
        expect(result.status).toBe("failed");
        if (typeof detail === "string") expect(result.detail).toContain(detail);
        else expect(result.detail).toMatch(detail);
      } finally {
        await proxy.close();
      }
    }, 20_000);
  }

  it("the same checks pass through a proxy that breaks nothing", async () => {
    const proxy = await startFaultProxy(daemon as DaemonHandle, {});
    try {
      for (const id of new Set(CASES.map((c) => c.check))) {
        const result = await runCheck(checkById(id), proxy, settings);
        expect(result.status, `${id}: ${result.detail}`).toBe("passed");
      }
    } finally {
      await proxy.close();
    }
  }, 60_000);
});

describe("the rate-limit checks fail on a server without rate limits", () => {
  let daemon: DaemonHandle | undefined;
  beforeAll(async () => {
    daemon = await startDaemon({ args: ["--no-rate-limit"] });
  }, 15_000);
  afterAll(async () => {
    await daemon?.stop();
  });

  for (const id of ["5.4", "5.5", "5.6"]) {
    it(`${id} fails`, async () => {
      const result = await runCheck(checkById(id), daemon as DaemonHandle, settings);
      expect(result.status).toBe("failed");
      expect(result.detail).toBe('expected at least one ERROR "rate limited", got none');
    }, 20_000);
  }
});

import { decode, ErrorText, encode, Opcode, type Packet } from "@chat/protocol";
import { type DaemonHandle, startDaemon } from "@chat/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL_CHECKS } from "./checks/index.js";
import { runCheck } from "./runner.js";
import { DEFAULT_SETTINGS, type Settings } from "./settings.js";
import {
  acceptsAnyToken,
  ignoresReplyBudget,
  ignoresTokens,
  neverExpires,
  refreshesOnAnyPacket,
  refusesTokens,
  rfcServer,
  shortChallenge,
} from "./test-support/address-check-faults.js";
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
  /** What the kit is told about the server, where the case tells it something untrue. */
  readonly settings?: Partial<Settings>;
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
      // The escape goes, the rest (a checked sender's token included) stays.
      toServer: (bytes) =>
        bytes[0] === Opcode.BROADCAST && bytes.includes(0x1b)
          ? [encode({ ...decode(bytes, { direction: "toServer" }), message: "[31mred" } as Packet)]
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
    // Keeps every endpoint alive behind its back with its own REGISTER, and hides the OKs.
    fault: neverExpires(400),
    check: "3.10",
    detail: /removed after 2000 ms of silence, got still listed after \d+ ms/,
  },
  {
    server: "challenges with a token too short to be one",
    fault: shortChallenge,
    check: "6.1",
    detail:
      'expected ERROR "address check: <16 to 64 printable ASCII bytes>", got ERROR "address check: abc"',
  },
  {
    server: "refuses the token it handed out",
    fault: refusesTokens,
    check: "6.2",
    detail:
      /^REGISTER with the challenge's token: expected OK to REGISTER "[^"]+" with the challenge's token, got ERROR "address check: /,
  },
  {
    server: "accepts a token made for another endpoint",
    fault: acceptsAnyToken(),
    check: "6.3",
    detail:
      'REGISTER with another endpoint\'s token: expected a fresh ERROR "address check: <16 to 64 printable ASCII bytes>", got OK',
  },
  {
    server: "answers a checked user's LIST_REQUEST and BROADCAST without its token",
    fault: ignoresTokens(),
    check: "6.4",
    detail:
      /^expected no answer to a LIST_REQUEST or BROADCAST without the token, got (LIST_RESPONSE|BROADCAST_FWD)/,
  },
  {
    server: "lets a LOGOUT without the token log a checked user out",
    fault: ignoresTokens(),
    check: "6.5",
    detail:
      "LOGOUT and PRIVATE without the token: expected no answer to a LOGOUT or PRIVATE without the token, got OK",
  },
  {
    server: "keeps a checked user alive with packets that carry no token",
    fault: refreshesOnAnyPacket(),
    check: "6.6",
    detail:
      /^expected "lapsed-\w+" removed after 4000 ms of nothing but INFO_REQUESTs, got still listed$/,
  },
  {
    server: "lets a plain REGISTER in while said to run --address-check always",
    fault: {},
    settings: { addressCheckAlways: true },
    check: "6.7",
    detail:
      'a plain REGISTER: expected ERROR "address check: <16 to 64 printable ASCII bytes>" to a plain REGISTER, got OK',
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

  for (const { server, fault, check: id, detail, settings: told } of CASES) {
    it(`${id} fails when the server ${server}`, async () => {
      const proxy = await startFaultProxy(daemon as DaemonHandle, fault);
      try {
        const result = await runCheck(checkById(id), proxy, { ...settings, ...told });
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
      // A case that tells the kit something untrue of this daemon has no honest pass here.
      for (const id of new Set(CASES.filter((c) => !c.settings).map((c) => c.check))) {
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

describe("the 3x check fails on a server that answers an unchecked user with the whole list", () => {
  let daemon: DaemonHandle | undefined;
  // Loopback not exempt, so a plain REGISTER makes an unchecked user (revision 3).
  const perIp: Settings = { ...settings, perIpLimits: true };
  beforeAll(async () => {
    daemon = await startDaemon({
      args: ["--user-timeout", "2", "--list-interval", "1", "--exempt-networks", ""],
    });
  }, 15_000);
  afterAll(async () => {
    await daemon?.stop();
  });

  it("6.8 passes through a proxy that breaks nothing", async () => {
    const proxy = await startFaultProxy(daemon as DaemonHandle, {});
    try {
      const result = await runCheck(checkById("6.8"), proxy, perIp);
      expect(result.status, result.detail).toBe("passed");
    } finally {
      await proxy.close();
    }
  }, 20_000);

  it("6.8 fails when `rate limited` is replaced by the list", async () => {
    const proxy = await startFaultProxy(daemon as DaemonHandle, ignoresReplyBudget());
    try {
      const result = await runCheck(checkById("6.8"), proxy, perIp);
      expect(result.status).toBe("failed");
      expect(result.detail).toMatch(
        /^expected ERROR "rate limited", or at most \d+ bytes, to a LIST_REQUEST from an unchecked user that sent 38 bytes, got \d+ bytes: LIST_RESPONSE/,
      );
    } finally {
      await proxy.close();
    }
  }, 20_000);
});

describe("an RFC server without revision 3 (our daemon behind a proxy that refuses a NUL in a name)", () => {
  let daemon: DaemonHandle | undefined;
  // As the kit's run against our server (our-server.int.test.ts): a fillable server, and
  // generous waits for a busy machine.
  const rfcSettings: Settings = { ...settings, maxUsers: 40, timeoutMs: 2_000 };
  beforeAll(async () => {
    daemon = await startDaemon({
      args: ["--user-timeout", "2", "--list-interval", "1", "--max-users", "40"],
    });
  }, 15_000);
  afterAll(async () => {
    await daemon?.stop();
  });

  it("passes every RFC check (groups 1 to 5): the kit falls back to plain REGISTERs and sends no token", async () => {
    const proxy = await startFaultProxy(daemon as DaemonHandle, rfcServer);
    const rfcChecks = ALL_CHECKS.filter(
      (check) => /^[1-5]\./.test(check.id) && !check.needs?.perIpLimits,
    );
    try {
      for (const check of rfcChecks) {
        const result = await runCheck(check, proxy, rfcSettings);
        expect(result.status, `${check.id}: ${result.detail}`).toBe("passed");
      }
    } finally {
      await proxy.close();
    }
  }, 180_000);

  it("fails revision 3's checks saying how to skip them, and skips them when told", async () => {
    const proxy = await startFaultProxy(daemon as DaemonHandle, rfcServer);
    try {
      const failed = await runCheck(checkById("6.1"), proxy, settings);
      expect(failed.status).toBe("failed");
      expect(failed.detail).toBe(
        'REGISTER with an empty cookie: expected ERROR "address check: <16 to 64 printable ASCII bytes>", got ERROR "username is invalid: contains NUL" (a server without revision 3\'s address check answers so: pass --no-address-check)',
      );
      const rfc = { ...settings, addressCheck: false };
      for (const check of ALL_CHECKS.filter((c) => c.id.startsWith("6."))) {
        expect((await runCheck(check, proxy, rfc)).status, check.id).toBe("skipped");
      }
    } finally {
      await proxy.close();
    }
  }, 20_000);
});

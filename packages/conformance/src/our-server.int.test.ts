import { type DaemonHandle, startDaemon } from "@chat/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Check } from "./check.js";
import { ALL_CHECKS } from "./checks/index.js";
import { defaultBudgetMs, runCheck } from "./runner.js";
import { DEFAULT_SETTINGS, type Settings } from "./settings.js";

/*
 * Our daemon must pass the very checks students run against theirs: one test per check,
 * named for its rule. Short timers let the liveness and list-push checks run in seconds.
 */

const TIMERS = ["--user-timeout", "2", "--list-interval", "1", "--max-users", "40"];

const settings: Settings = {
  ...DEFAULT_SETTINGS,
  userTimeoutS: 2,
  listIntervalS: 1,
  maxUsers: 40,
  // Generous, so a busy machine running every package's tests at once does not fail a check.
  timeoutMs: 2_000,
};

/** Settings of a daemon whose per-IP limits cover loopback, with a fillable maxUsersPerIp. */
const perIpSettings: Settings = { ...settings, perIpLimits: true, maxUsersPerIp: 3 };

function testEach(checks: readonly Check[], daemon: () => DaemonHandle, with_: Settings): void {
  for (const check of checks) {
    const budget = check.budgetMs?.(with_) ?? defaultBudgetMs(with_);
    it(
      `${check.id} ${check.title}`,
      async () => {
        const result = await runCheck(check, daemon(), with_);
        expect(result.status, result.detail).toBe("passed");
      },
      budget + 5_000,
    );
  }
}

describe("our server, loopback exempt from per-IP limits (the default)", () => {
  let daemon: DaemonHandle | undefined;
  beforeAll(async () => {
    daemon = await startDaemon({ args: TIMERS });
  }, 15_000);
  afterAll(async () => {
    await daemon?.stop();
  });
  // The per-IP checks need a daemon that limits loopback: they run in the next block.
  testEach(
    // The cross-node checks need a cluster: packages/cluster-redis runs them.
    // `always` needs a daemon run so: the last block.
    ALL_CHECKS.filter(
      (check) =>
        !check.needs?.perIpLimits && !check.needs?.twoTargets && !check.needs?.addressCheckAlways,
    ),
    () => daemon as DaemonHandle,
    settings,
  );
});

describe('our server with --exempt-networks "" (per-IP limits apply to loopback)', () => {
  let daemon: DaemonHandle | undefined;
  beforeAll(async () => {
    daemon = await startDaemon({
      args: [...TIMERS, "--exempt-networks", "", "--max-users-per-ip", "3"],
    });
  }, 15_000);
  afterAll(async () => {
    await daemon?.stop();
  });
  testEach(
    ALL_CHECKS.filter((check) => check.needs?.perIpLimits),
    () => daemon as DaemonHandle,
    perIpSettings,
  );
});

describe('our server with --address-check always and --exempt-networks "" (revision 3)', () => {
  let daemon: DaemonHandle | undefined;
  beforeAll(async () => {
    // Exempt networks are trusted even with `always`: loopback must not be exempt here.
    daemon = await startDaemon({
      args: [...TIMERS, "--address-check", "always", "--exempt-networks", ""],
    });
  }, 15_000);
  afterAll(async () => {
    await daemon?.stop();
  });
  testEach(
    ALL_CHECKS.filter((check) => check.id.startsWith("6.") && !check.needs?.perIpLimits),
    () => daemon as DaemonHandle,
    { ...settings, addressCheckAlways: true },
  );
});

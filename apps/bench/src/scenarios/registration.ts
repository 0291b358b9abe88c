/**
 * Registration: how long N new users take to register, each with its own socket, 256
 * REGISTERs in flight at once and a retry after 500 ms. A fresh server per run; runs
 * alternate ours, baseline, ours, baseline; the median run is reported.
 */
import { Fleet, type RegistrationOutcome } from "../load/fleet.js";
import type { WorkerPool } from "../load/pool.js";
import { type ServerKind, startServer } from "../servers.js";
import { KINDS } from "./ladder.js";
import { round } from "./step-summary.js";

export interface RegistrationResult {
  users: number;
  runs: Record<ServerKind, RegistrationOutcome[]>;
  medianSeconds: Record<ServerKind, number>;
}

export async function runRegistration(
  pool: WorkerPool,
  users: number,
  rounds: number,
  log: (line: string) => void,
): Promise<RegistrationResult> {
  const runs: Record<ServerKind, RegistrationOutcome[]> = { ours: [], baseline: [] };
  for (let round = 0; round < rounds; round++) {
    for (const kind of KINDS) {
      const server = await startServer(kind);
      try {
        const fleet = await Fleet.open(pool, `register-${kind}-${round}`, server, users);
        const outcome = await fleet.register();
        await fleet.close();
        runs[kind].push(outcome);
        log(
          `  registration ${kind.padEnd(8)} ${outcome.ok}/${users} in ${outcome.seconds.toFixed(3)} s` +
            ` (${outcome.retries} retries${outcome.refused ? `, ${outcome.refused} refused: ${outcome.refusals[0]}` : ""})`,
        );
        if (outcome.ok !== users) {
          throw new Error(`${kind}: only ${outcome.ok} of ${users} users registered`);
        }
      } finally {
        await server.stop();
      }
    }
  }
  return {
    users,
    runs,
    medianSeconds: { ours: median(runs.ours), baseline: median(runs.baseline) },
  };
}

function median(outcomes: RegistrationOutcome[]): number {
  const sorted = outcomes.map((o) => o.seconds).sort((a, b) => a - b);
  return round(sorted[Math.floor(sorted.length / 2)] ?? Number.NaN, 4);
}

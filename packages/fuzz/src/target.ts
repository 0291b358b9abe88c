import fc from "fast-check";

/** One fuzz target: a property checked `numRuns` times, giving a printable verdict. */
export type FuzzTarget = (options: { numRuns: number; seed?: number }) => FuzzVerdict;

export interface FuzzVerdict {
  failed: boolean;
  numRuns: number;
  /** fast-check's report: the shrunk counterexample and the seed to replay it. */
  report: string;
}

export function fuzzTarget<Ts extends unknown[]>(property: fc.IProperty<Ts>): FuzzTarget {
  return ({ numRuns, seed }) => {
    const details = fc.check(property, seed === undefined ? { numRuns } : { numRuns, seed });
    return {
      failed: details.failed,
      numRuns: details.numRuns,
      report: fc.defaultReportMessage(details) ?? "",
    };
  };
}

import { OPTIONS } from "./options.js";

/** Every variable the server reads. */
const KNOWN = new Set(OPTIONS.map((spec) => spec.env));

export interface UnknownVariable {
  readonly name: string;
  /** The known variable it is most likely a misspelling of, if one is close. */
  readonly nearest?: string;
}

/** CHAT_* variables the server does not know (a typo is silently ignored otherwise). */
export function unknownVariables(
  env: Readonly<Record<string, string | undefined>>,
): UnknownVariable[] {
  return Object.keys(env)
    .filter((name) => name.startsWith("CHAT_") && !KNOWN.has(name))
    .sort()
    .map((name) => {
      const nearest = nearestKnown(name);
      return nearest === undefined ? { name } : { name, nearest };
    });
}

/** One line for a warning or an error. */
export function describeUnknown({ name, nearest }: UnknownVariable): string {
  return `${name} is not a setting${nearest === undefined ? "" : ` (did you mean ${nearest}?)`}`;
}

function nearestKnown(name: string): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const known of KNOWN) {
    const distance = editDistance(name, known);
    if (distance < bestDistance) {
      best = known;
      bestDistance = distance;
    }
  }
  // Beyond a third of the name it is a different word, not a typo.
  return bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

/** Levenshtein distance, one row at a time. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(
        (previous[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      );
    }
    previous = row;
  }
  return previous[b.length] as number;
}

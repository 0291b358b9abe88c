/**
 * The addon's buffer layouts: every word offset within a row, every row size and limit,
 * exactly as native/udp_batch.c exports them (its LAYOUT list, as `layout`). The wrapper
 * reads and writes rows only through these names, and checkLayout() refuses an addon whose
 * layout the wrapper cannot read, so a change on one side cannot break the other silently.
 * Wherever an address sits in a row it is 4 words (IPv6's 16 bytes; IPv4 uses the first).
 */
export const LAYOUT_KEYS = [
  "META_LENGTH",
  "META_PORT",
  "META_SCOPE",
  "META_ADDRESS",
  "META_WORDS",
  "PLAN_OFFSET",
  "PLAN_LENGTH",
  "PLAN_PORT",
  "PLAN_SCOPE",
  "PLAN_ADDRESS",
  "PLAN_WORDS",
  "RESULT_FAILURES",
  "RESULT_BLOCKED_ERRNO",
  "RESULT_FAILED",
  "FAILED_ROW",
  "FAILED_ERRNO",
  "FAILED_WORDS",
  "SCRATCH_SCOPE",
  "SCRATCH_ADDRESS",
  "SCRATCH_WORDS",
  "MAX_PORT",
  "MIN_SLOT_BYTES",
] as const;

export type Layout = Readonly<Record<(typeof LAYOUT_KEYS)[number], number>>;

/** What the sender reads and writes: plan rows and the send result. */
export type SendLayout = Pick<
  Layout,
  | "PLAN_OFFSET"
  | "PLAN_LENGTH"
  | "PLAN_PORT"
  | "PLAN_SCOPE"
  | "PLAN_ADDRESS"
  | "PLAN_WORDS"
  | "RESULT_FAILURES"
  | "RESULT_BLOCKED_ERRNO"
  | "RESULT_FAILED"
  | "FAILED_ROW"
  | "FAILED_ERRNO"
  | "FAILED_WORDS"
  | "MAX_PORT"
>;

/** Words an address takes in a row. */
export const ADDRESS_WORDS = 4;

/**
 * The addon's exported layout if the wrapper can use it: every name present as a
 * non-negative integer, and in each row every field inside the row and no two fields
 * sharing a word. Otherwise a reason, in a few words. The layout comes back as a plain
 * copy of the names the wrapper reads: the addon's own object, filled property by property
 * through Node-API, is in V8's slow dictionary mode, and rows are read per datagram.
 */
export function checkLayout(
  exported: unknown,
):
  | { readonly ok: true; readonly layout: Layout }
  | { readonly ok: false; readonly reason: string } {
  if (typeof exported !== "object" || exported === null) return { ok: false, reason: "no layout" };
  const values = exported as Record<string, unknown>;
  const missing = LAYOUT_KEYS.filter((key) => {
    const value = values[key];
    return typeof value !== "number" || !Number.isSafeInteger(value) || value < 0;
  });
  if (missing.length > 0) return { ok: false, reason: `no ${missing.join(", ")}` };
  const layout = Object.freeze(
    Object.fromEntries(LAYOUT_KEYS.map((key) => [key, values[key]])),
  ) as Layout;
  const rows: Array<[string, number, Array<[number, number]>]> = [
    [
      "meta",
      layout.META_WORDS,
      [
        [layout.META_LENGTH, 1],
        [layout.META_PORT, 1],
        [layout.META_SCOPE, 1],
        [layout.META_ADDRESS, ADDRESS_WORDS],
      ],
    ],
    [
      "plan",
      layout.PLAN_WORDS,
      [
        [layout.PLAN_OFFSET, 1],
        [layout.PLAN_LENGTH, 1],
        [layout.PLAN_PORT, 1],
        [layout.PLAN_SCOPE, 1],
        [layout.PLAN_ADDRESS, ADDRESS_WORDS],
      ],
    ],
    [
      "result",
      layout.RESULT_FAILED,
      [
        [layout.RESULT_FAILURES, 1],
        [layout.RESULT_BLOCKED_ERRNO, 1],
      ],
    ],
    [
      "failure",
      layout.FAILED_WORDS,
      [
        [layout.FAILED_ROW, 1],
        [layout.FAILED_ERRNO, 1],
      ],
    ],
    [
      "scratch",
      layout.SCRATCH_WORDS,
      [
        [layout.SCRATCH_SCOPE, 1],
        [layout.SCRATCH_ADDRESS, ADDRESS_WORDS],
      ],
    ],
  ];
  for (const [name, size, fields] of rows) {
    const used = new Set<number>();
    for (const [offset, width] of fields) {
      for (let word = offset; word < offset + width; word++) {
        if (word >= size || used.has(word))
          return { ok: false, reason: `the ${name} row's fields do not fit its ${size} words` };
        used.add(word);
      }
    }
  }
  return { ok: true, layout };
}

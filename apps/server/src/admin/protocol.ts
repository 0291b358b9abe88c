/*
 * The admin channel (docs/operations.md#the-admin-socket): one JSON request line from
 * chat-admin, one JSON answer line from the server, then the connection closes.
 */

export const ADMIN_VERBS = ["users", "kick", "ban", "unban", "bans", "reload"] as const;
export type AdminVerb = (typeof ADMIN_VERBS)[number];

export interface AdminRequest {
  readonly verb: AdminVerb;
  /** kick: a name; ban and unban: an address, a CIDR or name:<name>. */
  readonly target?: string;
  /** ban: how long, in milliseconds; absent: until unbanned or restarted. */
  readonly forMs?: number;
}

export type AdminAnswer =
  | ({ readonly ok: true } & Record<string, unknown>)
  | { readonly ok: false; readonly error: string };

/** Longest request line; anything longer is refused, so a client cannot grow a buffer. */
export const MAX_REQUEST_BYTES = 4096;

/** Reads a request line; a string saying what is wrong when it is not one. */
export function parseAdminRequest(line: string): AdminRequest | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return "not a JSON request";
  }
  if (typeof value !== "object" || value === null) return "not a JSON object";
  const { verb, target, forMs } = value as Record<string, unknown>;
  if (!(ADMIN_VERBS as readonly unknown[]).includes(verb)) {
    return `unknown verb ${JSON.stringify(verb)} (${ADMIN_VERBS.join(", ")})`;
  }
  if (target !== undefined && typeof target !== "string") return "target must be a string";
  if (forMs !== undefined && !(typeof forMs === "number" && forMs > 0 && Number.isFinite(forMs))) {
    return "forMs must be a positive number";
  }
  if (needsTarget(verb as AdminVerb) && (target === undefined || target.trim() === ""))
    return `${verb} needs a target`;
  return {
    verb: verb as AdminVerb,
    ...(target === undefined ? {} : { target }),
    ...(forMs === undefined ? {} : { forMs }),
  };
}

/** `90`, `90s`, `15m`, `2h`, `7d` in milliseconds; undefined when it is none of those. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*(s|m|h|d)?$/.exec(text.trim());
  if (match === null) return undefined;
  const unit = { s: 1, m: 60, h: 3600, d: 86_400 }[(match[2] ?? "s") as "s" | "m" | "h" | "d"];
  const ms = Math.round(Number(match[1]) * unit * 1000);
  return ms > 0 ? ms : undefined;
}

/** The verbs that name a user or an entry: `kick NAME`, `ban ENTRY`, `unban ENTRY`. */
export function needsTarget(verb: AdminVerb): boolean {
  return verb === "kick" || verb === "ban" || verb === "unban";
}

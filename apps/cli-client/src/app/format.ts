import { foldName } from "@chat/protocol";
import { nameColour } from "./colours.js";
import { sanitizeLine, sanitizeMessage } from "./sanitize.js";
import type { Row, Segment, Style } from "./style.js";
import { rowWidth, wrapRow } from "./wrap.js";

/*
 * What the log holds and how each entry looks, irssi style:
 *   12:04 <alice> hello                      a broadcast
 *   12:04 <me> hi ✓                          our own, with its delivery status
 *   12:05 *bob* psst                         a private message to us
 *   12:05 -> *bob* sure                      a private message we sent
 *   12:06 -!- bob left                       a notice from the client
 * Every name and text is sanitised here, the one place entries become rows.
 */

export type Delivery = "queued" | "sending" | "delivered" | "unconfirmed" | "failed";

export type LogEntry =
  | {
      kind: "broadcast";
      at: Date;
      from: string;
      text: string;
      own?: boolean;
      mention?: boolean;
      delivery?: Delivery;
      error?: string;
    }
  | {
      kind: "private";
      at: Date;
      direction: "in" | "out";
      peer: string;
      text: string;
      mention?: boolean;
      delivery?: Delivery;
      error?: string;
    }
  | { kind: "notice"; at: Date; text: string; level?: "info" | "error" };

/**
 * An action, "/me waves", travels as that plain text (docs/protocol.md#client-conventions):
 * clients that know it show "* alice waves", others show the text as it is.
 */
export const ACTION_PREFIX = "/me ";

export function isAction(text: string): boolean {
  return text.startsWith(ACTION_PREFIX) && text.trim().length > ACTION_PREFIX.length - 1;
}

const ACTION: Style = { fg: "magenta" };
const TIME: Style = { fg: "grey" };
const NOTICE: Style = { fg: "cyan" };
const ERROR: Style = { fg: "light-red" };
const PRIVATE: Style = { fg: "light-magenta" };
const MENTION: Style = { fg: "light-yellow", bold: true };

export function clock(at: Date): string {
  return `${String(at.getHours()).padStart(2, "0")}:${String(at.getMinutes()).padStart(2, "0")}`;
}

/** True when `text` names `me` as a whole word, ignoring case ("hi Alice!" names alice). */
export function mentions(text: string, me: string | undefined): boolean {
  if (!me) return false;
  const haystack = foldName(text);
  const needle = foldName(me);
  const boundary = /[\p{L}\p{N}\p{M}_]/u;
  for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + 1)) {
    const before = haystack.slice(0, at).at(-1);
    const after = haystack.slice(at + needle.length).match(/^./u)?.[0];
    if ((!before || !boundary.test(before)) && (!after || !boundary.test(after))) return true;
  }
  return false;
}

function nameSegment(name: string, own: boolean): Segment {
  return { text: sanitizeLine(name), style: { fg: nameColour(name), bold: own } };
}

function deliverySuffix(delivery: Delivery | undefined, error: string | undefined): Segment[] {
  switch (delivery) {
    case "queued":
      return [{ text: " ⋯ queued", style: { fg: "grey" } }];
    case "sending":
      return [{ text: " …", style: { fg: "grey" } }];
    case "delivered":
      return [{ text: " ✓", style: { fg: "green" } }];
    case "unconfirmed":
      return [{ text: " ? unconfirmed", style: { fg: "yellow" } }];
    case "failed":
      return [{ text: ` ✗ failed${error ? `: ${sanitizeLine(error)}` : ""}`, style: ERROR }];
    default:
      return [];
  }
}

function actionPrefixOf(entry: LogEntry): Segment[] | undefined {
  if (entry.kind === "notice" || !isAction(entry.text)) return undefined;
  if (entry.kind === "broadcast")
    return [
      { text: "* ", style: ACTION },
      nameSegment(entry.from, entry.own === true),
      { text: " " },
    ];
  if (entry.direction === "in")
    return [{ text: "* ", style: PRIVATE }, nameSegment(entry.peer, false), { text: " " }];
  return undefined;
}

function prefixOf(entry: LogEntry): Segment[] {
  const action = actionPrefixOf(entry);
  if (action) return action;
  switch (entry.kind) {
    case "broadcast": {
      const name = nameSegment(entry.from, entry.own === true);
      const bracket: Style | undefined = entry.mention
        ? { fg: "light-yellow", bold: true }
        : undefined;
      return [
        bracket ? { text: "<", style: bracket } : { text: "<" },
        name,
        bracket ? { text: ">", style: bracket } : { text: ">" },
        { text: " " },
      ];
    }
    case "private": {
      const arrow: Segment[] = entry.direction === "out" ? [{ text: "-> ", style: PRIVATE }] : [];
      return [
        ...arrow,
        { text: "*", style: PRIVATE },
        nameSegment(entry.peer, false),
        { text: "*", style: PRIVATE },
        { text: " " },
      ];
    }
    case "notice":
      return [{ text: "-!- ", style: entry.level === "error" ? ERROR : NOTICE }];
  }
}

function bodyStyle(entry: LogEntry): Style | undefined {
  if (entry.kind === "notice") return entry.level === "error" ? ERROR : undefined;
  if (entry.mention) return MENTION;
  return entry.kind === "private" ? PRIVATE : undefined;
}

export interface FormatOptions {
  /** Start the first row with HH:MM (default true). */
  timestamps?: boolean;
}

/** The rows an entry takes at `width` columns. */
export function formatEntry(entry: LogEntry, width: number, options: FormatOptions = {}): Row[] {
  const time: Segment[] =
    options.timestamps === false ? [] : [{ text: `${clock(entry.at)} `, style: TIME }];
  const head: Segment[] = [...time, ...prefixOf(entry)];
  const indent = rowWidth(head);
  const style = bodyStyle(entry);
  const action = actionPrefixOf(entry) !== undefined;
  const lines = sanitizeMessage(action ? entry.text.slice(ACTION_PREFIX.length) : entry.text);
  const suffix = entry.kind === "notice" ? [] : deliverySuffix(entry.delivery, entry.error);
  const rows: Row[] = [];
  lines.forEach((line, index) => {
    const body: Segment[] = [style ? { text: line, style } : { text: line }];
    if (index === lines.length - 1) body.push(...suffix);
    const lead: Segment[] = index === 0 ? head : [{ text: " ".repeat(indent) }];
    rows.push(...wrapRow([...lead, ...body], width, indent));
  });
  return rows;
}

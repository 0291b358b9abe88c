import { foldName } from "@chat/protocol";
import { nameColour } from "./colours.js";
import { sanitizeLine } from "./sanitize.js";
import type { Row, Segment, Style } from "./style.js";
import { padRow, truncateRow } from "./wrap.js";

/** The rows of the user list pane, `width` columns wide: a header, then the names in order. */
export function userRows(
  sorted: readonly string[],
  me: string | undefined,
  width: number,
  height: number,
): Row[] {
  const rows: Row[] = [[{ text: `Users (${sorted.length})`, style: { bold: true } }]];
  const room = height - 1;
  const shown = sorted.length > room ? sorted.slice(0, Math.max(0, room - 1)) : sorted;
  const myFold = me === undefined ? undefined : foldName(me);
  for (const name of shown) {
    const own = foldName(name) === myFold;
    rows.push([
      { text: sanitizeLine(name), style: { fg: nameColour(name), bold: own, underline: own } },
    ]);
  }
  if (shown.length < sorted.length) {
    rows.push([{ text: `+${sorted.length - shown.length} more`, style: { fg: "grey" } }]);
  }
  return rows.slice(0, Math.max(0, height)).map((row) => truncateRow(row, width));
}

/** The user list pane of a query window: the other user, and whether they are gone. */
export function queryRows(peer: string, gone: boolean, width: number, height: number): Row[] {
  const rows: Row[] = [
    [{ text: "Query", style: { bold: true } }],
    [{ text: sanitizeLine(peer), style: { fg: nameColour(peer) } }],
  ];
  if (gone) rows.push([{ text: "(gone)", style: { fg: "grey" } }]);
  return rows.slice(0, Math.max(0, height)).map((row) => truncateRow(row, width));
}

export interface StatusInfo {
  server: string;
  name: string | undefined;
  users: number | undefined;
  rttMs: number | undefined;
  /** The window shown: "2:bob". */
  window: { number: number; label: string };
  /** Other windows with something unseen; a highlight is a mention or a private message. */
  activity: ReadonlyArray<{ number: number; activity: "text" | "highlight" }>;
  /** A connection problem to show instead of being quiet ("lost: …"). */
  problem?: string;
  /** Lines waiting their turn under the server's rate limits. */
  queued?: number;
  /** Rows below the view while scrolled back; undefined at the bottom. */
  more?: number;
}

export const STATUS_STYLE: Style = { fg: "white", bg: "blue" };
const ALERT: Style = { fg: "light-yellow", bg: "blue", bold: true };
const TROUBLE: Style = { fg: "white", bg: "red", bold: true };

/** The status line, irssi style: [name] [2:bob] [server] [3 users] [rtt 2 ms] [Act: 1,3]. */
export function statusRow(info: StatusInfo, width: number): Row {
  const items: Segment[] = [];
  const item = (text: string, style: Style = STATUS_STYLE) => {
    items.push(
      { text: " [", style: STATUS_STYLE },
      { text, style },
      { text: "]", style: STATUS_STYLE },
    );
  };
  item(info.name === undefined ? "not registered" : sanitizeLine(info.name), {
    ...STATUS_STYLE,
    bold: true,
  });
  item(`${info.window.number}:${sanitizeLine(info.window.label)}`);
  item(info.server);
  if (info.users !== undefined) item(`${info.users} ${info.users === 1 ? "user" : "users"}`);
  if (info.rttMs !== undefined) item(`rtt ${formatRtt(info.rttMs)}`);
  if (info.activity.length > 0) {
    items.push({ text: " [Act: ", style: STATUS_STYLE });
    info.activity.forEach(({ number, activity }, index) => {
      if (index > 0) items.push({ text: ",", style: STATUS_STYLE });
      items.push({ text: String(number), style: activity === "highlight" ? ALERT : STATUS_STYLE });
    });
    items.push({ text: "]", style: STATUS_STYLE });
  }
  if (info.queued) item(`queued ${info.queued}`, ALERT);
  if (info.problem) item(sanitizeLine(info.problem), TROUBLE);
  if (info.more !== undefined)
    item(info.more > 0 ? `more ↓ ${info.more}` : "scrolled back ↓", ALERT);
  return padRow(items, width, STATUS_STYLE);
}

export function formatRtt(ms: number): string {
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}

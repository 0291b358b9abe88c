import { computeLayout, type Layout } from "../ui/layout.js";
import type { InputLine } from "./input-line.js";
import { queryRows, STATUS_STYLE, statusRow, userRows } from "./panes.js";
import type { Session } from "./session.js";
import type { Row, Style } from "./style.js";
import { displayWidth } from "./width.js";
import type { Windows } from "./windows.js";

/** Everything the screen draws, already laid out and styled. */
export interface Frame {
  layout: Layout;
  log: Row[];
  users: Row[];
  status: Row;
  prompt: string;
  input: { before: string; at: string; after: string };
}

/** What the app needs of a screen: its size, painting a frame, the bell. */
export interface View {
  size(): { columns: number; rows: number };
  paint(frame: Frame): void;
  bell(): void;
  redraw(): void;
}

export interface FrameSource {
  size: { columns: number; rows: number };
  session: Session;
  windows: Windows;
  input: InputLine;
  /** false: no colours, only bold, underline and inverse (config.json "colours"). */
  colours: boolean;
  /** A question the input line asks instead of the usual prompt ("paste 25 lines? (y/n) "). */
  question?: string;
}

export function layoutOf({ size, session }: Pick<FrameSource, "size" | "session">): Layout {
  return computeLayout(size.columns, size.rows, session.roster.widest());
}

/** Keeps what a terminal without colours can show; the status line turns inverse. */
function monochrome(row: Row, base?: Style): Row {
  return row.map(({ text, style }) => {
    const kept: Style = { ...base };
    if (style?.bold) kept.bold = true;
    if (style?.underline) kept.underline = true;
    if (style?.inverse) kept.inverse = true;
    return Object.keys(kept).length > 0 ? { text, style: kept } : { text };
  });
}

/** The frame of the window being looked at. */
export function buildFrame(source: FrameSource): Frame {
  const { session, windows, input } = source;
  const layout = layoutOf(source);
  const window = windows.current;
  const prompt =
    source.question ??
    (session.phase === "naming" ? "name: " : session.phase === "chat" ? "> " : "… ");
  const inputWidth = Math.max(1, layout.input.width - displayWidth(prompt));
  const users = !layout.users
    ? []
    : window.peer !== undefined
      ? queryRows(window.peer, window.gone, layout.users.width - 2, layout.users.height)
      : userRows(
          session.roster.sorted(),
          session.name,
          layout.users.width - 2,
          layout.users.height,
        );
  const status = statusRow(
    {
      server: session.server,
      name: session.name,
      users: session.registered ? session.roster.size : undefined,
      rttMs: session.rttMs,
      window: { number: windows.numberOf(window), label: window.label },
      activity: windows.activityList(),
      ...(session.problem ? { problem: session.problem } : {}),
      ...(session.queued > 0 ? { queued: session.queued } : {}),
      ...(window.log.atBottom ? {} : { more: window.log.unseenRows }),
    },
    layout.status.width,
  );
  const frame: Frame = {
    layout,
    log: window.log.view(layout.log.width, layout.log.height),
    users,
    status,
    prompt,
    input: input.view(inputWidth),
  };
  if (source.colours) return frame;
  const inverse: Style = { inverse: true };
  return {
    ...frame,
    log: frame.log.map((row) => monochrome(row)),
    users: frame.users.map((row) => monochrome(row)),
    status: monochrome(status, STATUS_STYLE.bg ? inverse : undefined),
  };
}

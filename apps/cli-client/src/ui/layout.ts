/**
 * Where each pane goes for a terminal of `columns` x `rows`: the log on the left, the
 * user list on the right (hidden when the terminal is too narrow to spare it), then the
 * status line and the input line at the bottom, as in irssi and WeeChat.
 */
export interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface Layout {
  log: Rect;
  users: Rect | undefined;
  status: Rect;
  input: Rect;
}

const MIN_USERS_WIDTH = 12;
const MAX_USERS_WIDTH = 24;
/** Below this many columns the user list is hidden; the log needs the room. */
export const USERS_HIDDEN_BELOW = 60;

/** `longestName` is the widest name in columns; the pane adds a border and a margin. */
export function computeLayout(columns: number, rows: number, longestName = 0): Layout {
  const width = Math.max(1, columns);
  const height = Math.max(3, rows);
  const logHeight = height - 2;
  const usersWidth =
    width >= USERS_HIDDEN_BELOW
      ? Math.min(MAX_USERS_WIDTH, Math.max(MIN_USERS_WIDTH, longestName + 3))
      : 0;
  return {
    log: { left: 0, top: 0, width: width - usersWidth, height: logHeight },
    users:
      usersWidth > 0
        ? { left: width - usersWidth, top: 0, width: usersWidth, height: logHeight }
        : undefined,
    status: { left: 0, top: logHeight, width, height: 1 },
    input: { left: 0, top: logHeight + 1, width, height: 1 },
  };
}

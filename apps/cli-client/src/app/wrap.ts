import type { Row, Segment, Style } from "./style.js";
import { clusters, layoutWidth } from "./width.js";

/*
 * Word wrapping and truncation over styled rows, measured in terminal columns (see
 * width.ts), so wide characters and emoji never push a row past its pane.
 */

interface Cell {
  cluster: string;
  style: Style | undefined;
  cost: number;
}

function toCells(row: Row): Cell[] {
  const cells: Cell[] = [];
  for (const segment of row) {
    for (const cluster of clusters(segment.text)) {
      cells.push({ cluster, style: segment.style, cost: layoutWidth(cluster) });
    }
  }
  return cells;
}

function toRow(cells: Cell[]): Row {
  const row: Segment[] = [];
  for (const cell of cells) {
    const last = row[row.length - 1];
    if (last && last.style === cell.style) last.text += cell.cluster;
    else row.push(cell.style ? { text: cell.cluster, style: cell.style } : { text: cell.cluster });
  }
  return row;
}

/** Columns a row takes in layout terms (never less than what the terminal draws). */
export function rowWidth(row: Row): number {
  let total = 0;
  for (const segment of row)
    for (const cluster of clusters(segment.text)) total += layoutWidth(cluster);
  return total;
}

/** For each cell, the columns of the word (run of non-space cells) it belongs to; 0 for spaces. */
function wordWidths(cells: Cell[]): number[] {
  const widths = new Array<number>(cells.length).fill(0);
  let start = 0;
  while (start < cells.length) {
    if (cells[start]?.cluster === " ") {
      start++;
      continue;
    }
    let end = start;
    let total = 0;
    while (end < cells.length && cells[end]?.cluster !== " ") total += cells[end++]?.cost ?? 0;
    widths.fill(total, start, end);
    start = end;
  }
  return widths;
}

/**
 * Wraps a row to `width` columns, breaking after a space where it can. Continuation rows
 * start with `indent` spaces (a hanging indent under the message, as irssi does).
 */
export function wrapRow(row: Row, width: number, indent = 0): Row[] {
  const safeWidth = Math.max(1, width);
  const hang = indent > 0 && indent <= safeWidth - 8 ? indent : 0;
  const rows: Row[] = [];
  let current: Cell[] = [];
  let used = 0;
  let lastSpace = -1;
  const startContinuation = (carry: Cell[]) => {
    current = [];
    used = 0;
    if (hang > 0) {
      current.push({ cluster: " ".repeat(hang), style: undefined, cost: hang });
      used = hang;
    }
    lastSpace = -1;
    for (const cell of carry) {
      current.push(cell);
      used += cell.cost;
    }
  };
  const cells = toCells(row);
  const words = wordWidths(cells);
  for (const [index, cell] of cells.entries()) {
    if (used + cell.cost > safeWidth && current.length > 0) {
      if (cell.cluster === " ") {
        rows.push(toRow(current));
        startContinuation([]);
        continue;
      }
      const minBreak = hang > 0 ? 1 : 0;
      // A word longer than a whole row (a CJK sentence has no spaces) is cut where the row
      // ends rather than moved down whole, which left an empty first row after the nick.
      const fitsARow = (words[index] ?? 0) <= safeWidth - hang;
      if (lastSpace >= minBreak && fitsARow) {
        const carry = current.slice(lastSpace + 1);
        rows.push(toRow(current.slice(0, lastSpace)));
        startContinuation(carry);
      } else {
        rows.push(toRow(current));
        startContinuation([]);
      }
      if (used + cell.cost > safeWidth && used > hang) {
        rows.push(toRow(current));
        startContinuation([]);
      }
    }
    if (cell.cluster === " ") lastSpace = current.length;
    current.push(cell);
    used += cell.cost;
  }
  rows.push(toRow(current));
  return rows;
}

/** Cuts a row to `width` columns, ending it with "…" when something was cut. */
export function truncateRow(row: Row, width: number): Row {
  if (rowWidth(row) <= width) return row;
  const cells = toCells(row);
  const kept: Cell[] = [];
  let used = 0;
  for (const cell of cells) {
    if (used + cell.cost > width - 1) break;
    kept.push(cell);
    used += cell.cost;
  }
  if (width >= 1) kept.push({ cluster: "…", style: kept[kept.length - 1]?.style, cost: 1 });
  return toRow(kept);
}

/** Pads a row with spaces to exactly `width` columns (truncating first if needed). */
export function padRow(row: Row, width: number, style?: Style): Row {
  const cut = truncateRow(row, width);
  const missing = width - rowWidth(cut);
  return missing > 0
    ? [...cut, style ? { text: " ".repeat(missing), style } : { text: " ".repeat(missing) }]
    : cut;
}

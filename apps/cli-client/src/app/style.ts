/** Styled text, independent of the screen library: the UI turns it into terminal attributes. */

export interface Style {
  fg?: string;
  bg?: string;
  bold?: boolean;
  inverse?: boolean;
  underline?: boolean;
}

/** A run of display-safe text (already sanitised) in one style. */
export interface Segment {
  text: string;
  style?: Style;
}

/** One screen row. */
export type Row = Segment[];

export function plain(row: Row): string {
  return row.map((segment) => segment.text).join("");
}

import { stableWidthForm } from "./sanitize.js";
import { clusters, layoutWidth } from "./width.js";

/**
 * The line being edited: text and a cursor (a UTF-16 index always on a cluster boundary,
 * so an emoji or an accented letter moves and deletes as one), with the usual readline
 * keys. Pure; the screen draws it.
 */
export class InputLine {
  text = "";
  cursor = 0;

  set(text: string, cursor = text.length): void {
    this.text = text;
    this.cursor = Math.max(0, Math.min(cursor, text.length));
  }

  clear(): string {
    const text = this.text;
    this.set("");
    return text;
  }

  insert(value: string): void {
    this.text = this.text.slice(0, this.cursor) + value + this.text.slice(this.cursor);
    this.cursor += value.length;
  }

  #clusterBefore(): number {
    const before = clusters(this.text.slice(0, this.cursor));
    return (before[before.length - 1] ?? "").length;
  }

  #clusterAfter(): number {
    return (clusters(this.text.slice(this.cursor))[0] ?? "").length;
  }

  backspace(): void {
    const size = this.#clusterBefore();
    this.text = this.text.slice(0, this.cursor - size) + this.text.slice(this.cursor);
    this.cursor -= size;
  }

  deleteForward(): void {
    this.text =
      this.text.slice(0, this.cursor) + this.text.slice(this.cursor + this.#clusterAfter());
  }

  left(): void {
    this.cursor -= this.#clusterBefore();
  }

  right(): void {
    this.cursor += this.#clusterAfter();
  }

  home(): void {
    this.cursor = 0;
  }

  end(): void {
    this.cursor = this.text.length;
  }

  /** Ctrl-W: deletes the word before the cursor and the spaces after it. */
  deleteWordBefore(): void {
    const from = this.text.slice(0, this.cursor).replace(/\S*\s*$/u, "").length;
    this.text = this.text.slice(0, from) + this.text.slice(this.cursor);
    this.cursor = from;
  }

  /** Ctrl-U: deletes everything before the cursor. */
  deleteToStart(): void {
    this.text = this.text.slice(this.cursor);
    this.cursor = 0;
  }

  /** Ctrl-K: deletes everything after the cursor. */
  deleteToEnd(): void {
    this.text = this.text.slice(0, this.cursor);
  }

  /**
   * The part to show in `width` columns, scrolled so the cursor stays visible: the text
   * before the cursor, the cluster under it ("" at the end) and the text after it.
   */
  view(width: number): { before: string; at: string; after: string } {
    const before = clusters(this.text.slice(0, this.cursor));
    const [at = "", ...after] = clusters(this.text.slice(this.cursor));
    let used = at === "" ? 1 : layoutWidth(at);
    let start = before.length;
    while (start > 0 && used + layoutWidth(before[start - 1] as string) <= width) {
      start--;
      used += layoutWidth(before[start] as string);
    }
    let end = 0;
    while (end < after.length && used + layoutWidth(after[end] as string) <= width) {
      used += layoutWidth(after[end] as string);
      end++;
    }
    return {
      before: stableWidthForm(before.slice(start).join("")),
      at: stableWidthForm(at),
      after: stableWidthForm(after.slice(0, end).join("")),
    };
  }
}

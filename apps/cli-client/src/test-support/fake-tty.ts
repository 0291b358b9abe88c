import { PassThrough, Writable } from "node:stream";

/** A terminal for blessed without a terminal: output is recorded, input is written by the test. */
export class FakeTtyOutput extends Writable {
  readonly isTTY = true;
  written = "";
  constructor(
    public columns = 80,
    public rows = 24,
  ) {
    super();
  }
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    this.written += chunk.toString();
    done();
  }
  getWindowSize(): [number, number] {
    return [this.columns, this.rows];
  }
  resize(columns: number, rows: number): void {
    this.columns = columns;
    this.rows = rows;
    this.emit("resize");
  }
}

export class FakeTtyInput extends PassThrough {
  readonly isTTY = true;
  isRaw = false;
  setRawMode(raw: boolean): this {
    this.isRaw = raw;
    return this;
  }
}

// Turns a process's byte streams into log lines: UTF-8 decoded across chunk boundaries
// (invalid bytes become U+FFFD, never an exception), split on newlines, long lines cut,
// and a byte budget per run after which one marker is logged and the rest only counted.
import { StringDecoder } from 'node:string_decoder';
import type { LogStream } from '../api/types';

const MAX_LINE = 64 * 1024;
export const DEFAULT_OUTPUT_CAP = 5 * 1024 * 1024;

export class OutputBudget {
  used = 0;
  dropped = 0;
  private marked = false;

  constructor(private readonly cap: number, private readonly log: (stream: LogStream, text: string) => void) {}

  /** Logs the line while the budget lasts; past it, counts the bytes. */
  take(stream: LogStream, line: string): void {
    const size = Buffer.byteLength(line) + 1;
    if (this.used + size > this.cap) {
      this.dropped += size;
      if (!this.marked) {
        this.marked = true;
        this.log('info', `[output truncated: the first ${this.cap} bytes are kept; the rest is counted, not stored]`);
      }
      return;
    }
    this.used += size;
    this.log(stream, line);
  }

  summary(): string | null {
    return this.dropped ? `[${this.dropped} more bytes of output were not stored]` : null;
  }
}

export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';
  /** The last lines seen (stored or not), for error messages and results. */
  readonly tail: string[] = [];

  constructor(private readonly onLine: (line: string) => void | boolean, private readonly tailSize = 20) {}

  push(chunk: Buffer): void {
    this.feed(this.decoder.write(chunk));
  }

  end(): void {
    this.feed(this.decoder.end());
    if (this.partial) this.emit(this.partial);
    this.partial = '';
  }

  private feed(text: string): void {
    let data = this.partial + text;
    let nl: number;
    while ((nl = data.indexOf('\n')) >= 0) {
      this.emit(data.slice(0, nl).replace(/\r$/, ''));
      data = data.slice(nl + 1);
    }
    while (data.length > MAX_LINE) {
      this.emit(data.slice(0, MAX_LINE));
      data = data.slice(MAX_LINE);
    }
    this.partial = data;
  }

  /** `onLine` returning false keeps the line out of the tail (a `::progress` line). */
  private emit(line: string): void {
    if (this.onLine(line) === false) return;
    this.tail.push(line);
    if (this.tail.length > this.tailSize) this.tail.shift();
  }
}

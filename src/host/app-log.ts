// The app log: one JSON object per line (time, level, message, and runId / taskId / lane
// when the message is about one), in files rotated by size. `tasklane serve` writes
// <data folder>/logs/tasklane.log itself (rotatingFile); the desktop app has electron-log
// write the same lines to its standard log folder (jsonLinesFor). Writes are synchronous, so
// a line is on disk before the next statement runs: an uncaught exception is in the log
// before the process ends (logUncaught).
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { FileTransport, LogFile } from 'electron-log';
import type { Engine } from '../core/index';
import type { Logger } from '../core/ports';

/** A log file is rotated when the next line would take it past this size. */
export const LOG_MAX_BYTES = 5 * 1024 * 1024;
/** Files kept: tasklane.log and tasklane.log.1 … .4 (the oldest). */
export const LOG_FILES = 5;

type Level = 'error' | 'warn' | 'info' | (string & {});
/** What a message is about, when a caller passes it among the arguments ({ runId, lane }). */
const CONTEXT_KEYS = ['runId', 'taskId', 'lane'] as const;

/** One JSON line (with its newline). Never throws: what cannot be written as JSON is written as text. */
export function logLine(level: Level, time: Date, message: unknown, rest: readonly unknown[] = []): string {
  const line: Record<string, unknown> = { time: time.toISOString(), level, message: '' };
  const data: unknown[] = [];
  if (message instanceof Error) {
    line.message = message.message;
    line.error = errorFields(message);
  } else line.message = typeof message === 'string' ? message : String(message);
  for (const arg of rest) {
    if (arg instanceof Error) line.error ??= errorFields(arg);
    else if (isPlainObject(arg) && CONTEXT_KEYS.some((k) => k in arg)) {
      const other: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(arg)) {
        if ((CONTEXT_KEYS as readonly string[]).includes(k)) line[k] = v;
        else other[k] = v;
      }
      if (Object.keys(other).length) data.push(other);
    } else if (arg !== undefined) data.push(arg);
  }
  if (data.length) line.data = data;
  try {
    return `${JSON.stringify(line, jsonSafe)}\n`;
  } catch {
    // A cycle in what was passed: its text is still worth a line.
    return `${JSON.stringify({ ...line, data: data.map((d) => String(d)) })}\n`;
  }
}

function errorFields(e: Error): Record<string, unknown> {
  const code = (e as { code?: unknown }).code;
  return { name: e.name, message: e.message, ...(code !== undefined && { code }), stack: e.stack };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function jsonSafe(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Error) return errorFields(value);
  return value;
}

/** Shifts the old files up by one (dropping the oldest) and moves `path` to `path.1`. */
export function rotate(path: string, files = LOG_FILES): void {
  rmSync(`${path}.${files - 1}`, { force: true });
  for (let i = files - 2; i >= 1; i--) if (existsSync(`${path}.${i}`)) renameSync(`${path}.${i}`, `${path}.${i + 1}`);
  renameSync(path, `${path}.1`);
}

export interface RotatingFile { write(line: string): void; close(): void }

/**
 * Appends lines to `path`, readable by this user only, rotating it when a line would take it
 * past `maxBytes` and keeping `files` files in all. A line that cannot be written (a full
 * disk) is dropped, and said once on stderr: the log never stops the app.
 */
export function rotatingFile(path: string, opts: { maxBytes?: number; files?: number } = {}): RotatingFile {
  const maxBytes = opts.maxBytes ?? LOG_MAX_BYTES;
  const files = Math.max(2, opts.files ?? LOG_FILES);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  let fd: number | null = openSync(path, 'a', 0o600);
  let size = fstatSync(fd).size;
  let told = false;
  return {
    write(line) {
      const bytes = Buffer.byteLength(line);
      try {
        if (fd === null) return;
        if (size > 0 && size + bytes > maxBytes) {
          closeSync(fd);
          fd = null;
          rotate(path, files);
          fd = openSync(path, 'a', 0o600);
          size = 0;
        }
        writeSync(fd, line);
        size += bytes;
      } catch (error) {
        if (!told) console.error(`[tasklane] the app log ${path} cannot be written: ${(error as Error).message}`);
        told = true;
        fd ??= reopen(path);
      }
    },
    close() {
      if (fd !== null) closeSync(fd);
      fd = null;
    },
  };
}

function reopen(path: string): number | null {
  try { return openSync(path, 'a', 0o600); } catch { return null; }
}

/** A Logger that writes JSON lines to `file` and hands every message on to `also` too (serve
 *  keeps its console output for the person who started it). */
export function fileLogger(file: RotatingFile, also?: Logger, now: () => Date = () => new Date()): Logger {
  const at = (level: 'info' | 'warn' | 'error') => (message: string, ...rest: unknown[]) => {
    file.write(logLine(level, now(), message, rest));
    also?.[level](message, ...rest);
  };
  return { info: at('info'), warn: at('warn'), error: at('error') };
}

/**
 * Has electron-log's file transport write these JSON lines, to tasklane.log in its folder,
 * rotated at LOG_MAX_BYTES and keeping LOG_FILES files (its own rotation keeps one old file).
 */
export function jsonLinesFor(transport: FileTransport, opts: { maxBytes?: number; files?: number } = {}): void {
  transport.fileName = 'tasklane.log';
  transport.maxSize = opts.maxBytes ?? LOG_MAX_BYTES;
  transport.format = ({ data, level, message }) => [logLine(level, message.date, data[0], data.slice(1)).trimEnd()];
  transport.archiveLogFn = (old: LogFile) => rotate(old.path, opts.files ?? LOG_FILES);
}

/**
 * Logs an uncaught exception before Node ends the process, and an unhandled rejection too
 * under Node's default `--unhandled-rejections=throw` (serve). It changes nothing else: the
 * process still prints the error and exits with code 1. (Electron's main process only warns
 * about unhandled rejections and never reaches this monitor with them: the desktop app
 * listens to 'unhandledRejection' itself.) Returns the function that stops it.
 */
export function logUncaught(logger: Logger): () => void {
  const monitor = (error: unknown, origin: string) => {
    logger.error(origin === 'unhandledRejection' ? 'unhandled rejection' : 'uncaught exception', error);
  };
  process.on('uncaughtExceptionMonitor', monitor);
  return () => { process.off('uncaughtExceptionMonitor', monitor); };
}

/** Run lines logRunTrouble writes per second at most: a lane failing by thousands (or a
 *  parent taking thousands of dependents with it) is summed up, not written line by line on
 *  the thread that runs the engine. */
export const RUN_LINES_PER_SECOND = 100;

/** Runs that ended badly without anyone asking, in the app log with their run id and lane:
 *  a run gone dead, and one found running at start (abandoned). Call before engine.start(),
 *  which is when runs are abandoned. */
export function logRunTrouble(engine: Pick<Engine, 'on'>, logger: Logger,
  { perSecond = RUN_LINES_PER_SECOND, now = Date.now }: { perSecond?: number; now?: () => number } = {}): () => void {
  let windowStart = 0;
  let written = 0;
  let left = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const sum = () => {
    timer = undefined;
    if (left) logger.warn(`${left} more run(s) went dead or were abandoned in that second (summed up, not written one by one)`);
    left = 0;
  };
  const budget = (): boolean => {
    const t = now();
    if (t - windowStart >= 1000) { windowStart = t; written = 0; }
    if (written < perSecond) { written++; return true; }
    left++;
    timer ??= setTimeout(sum, 1000 - (t - windowStart));
    timer.unref?.();
    return false;
  };
  const offs = [
    engine.on('run.dead', (e) => {
      if (budget()) logger.error(`run ${e.runId} is dead: ${e.error.code}: ${e.error.message}`, { runId: e.runId, lane: e.lane });
    }),
    engine.on('run.abandoned', (e) => {
      if (budget()) logger.warn(`run ${e.runId} was found running at start (attempt ${e.attempt}): abandoned`, { runId: e.runId, lane: e.lane });
    }),
  ];
  return () => {
    for (const off of offs) off();
    if (timer !== undefined) { clearTimeout(timer); sum(); }
  };
}

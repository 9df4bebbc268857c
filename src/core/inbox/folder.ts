// The inbox folder (<data folder>/inbox): a .json or .txt file put there is a message. It is
// stored (inbox.ts) under a key of its name and content, moved to inbox/taken/, and then
// the key is let go. So a crash between storing and moving does not take it twice (at the
// next look the key is found and the file is only moved), and the same file put there again
// later is a new message. Names starting with "." and other extensions are left alone, and
// so are links (a link's target is not the person's message); a file changed in the last
// second is left for the next look (it may still be being written: write it elsewhere, or
// under a dot name, and move it in).
//
// It looks at start, when the folder changes (fs.watch), and a second after it left a file
// that was still being written; where the folder cannot be watched, every few seconds
// instead. Looks never overlap: a look is synchronous.
import { createHash } from 'node:crypto';
import { closeSync, existsSync, lstatSync, mkdirSync, openSync, readdirSync, readSync, renameSync, watch, type FSWatcher } from 'node:fs';
import { extname, join } from 'node:path';
import { MESSAGE_LIMIT } from '../api/schemas';
import type { Clock, Logger } from '../ports';
import { PRIVATE_FOLDER } from '../db/folder';
import type { Incoming } from './inbox';

const RESCAN_MS = 5_000;
/** A file changed more recently than this (by the file system's clock) waits for the next look. */
export const SETTLE_MS = 1_000;

/** The first `limit` bytes of a file, and whether there was more. */
function readHead(path: string, limit: number): { data: Buffer; truncated: boolean } {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(limit + 1);
    let n = 0;
    for (let got = -1; got !== 0 && n < buf.length;) { got = readSync(fd, buf, n, buf.length - n, null); n += got; }
    return { data: buf.subarray(0, Math.min(n, limit)), truncated: n > limit };
  } finally { closeSync(fd); }
}

export interface FolderDeps {
  receive(m: Incoming): unknown;
  /** The file was moved out: its key is let go (the same file again is a new message). */
  forget(fileKey: string): void;
  /** At start: keys of files not in the folder any more are let go. */
  forgetAllBut(names: ReadonlySet<string>): void;
  clock: Clock;
  logger: Logger;
}

export function inboxFolder(dir: string, d: FolderDeps) {
  const taken = join(dir, 'taken');
  let watcher: FSWatcher | null = null;
  let timer: unknown = null;
  let soon = false;
  let running = false;

  /** Moves a taken file out of the way (a name already there gets a number). */
  const moveOut = (name: string) => {
    let target = join(taken, name);
    for (let i = 2; existsSync(target); i++) target = join(taken, `${i}-${name}`);
    renameSync(join(dir, name), target);
  };

  /** Takes every message file now in the folder; returns how many it took. */
  function scan(): number {
    let count = 0;
    let young = false;
    let names: string[];
    try {
      mkdirSync(taken, { recursive: true, mode: PRIVATE_FOLDER });
      names = readdirSync(dir);
    } catch (e) {
      d.logger.warn(`the inbox folder ${dir} cannot be read`, e);
      return 0;
    }
    for (const name of names.sort()) {
      const ext = extname(name).toLowerCase();
      if (name.startsWith('.') || (ext !== '.json' && ext !== '.txt')) continue;
      const path = join(dir, name);
      try {
        const st = lstatSync(path);
        if (!st.isFile()) continue;
        if (Date.now() - st.mtimeMs < SETTLE_MS) { young = true; continue; }
        const { data, truncated } = readHead(path, MESSAGE_LIMIT);
        const fileKey = `${name}:${createHash('sha256').update(data).digest('hex')}`;
        d.receive({ source: 'folder', text: data.toString('utf8'), format: ext === '.json' ? 'json' : 'text', fileKey, truncated });
        moveOut(name);
        d.forget(fileKey);
        count++;
      } catch (e) {
        d.logger.warn(`the inbox file ${path} could not be taken; will try again`, e);
      }
    }
    if (young && running) arm(SETTLE_MS);
    return count;
  }
  function arm(ms: number): void {
    if (timer !== null) d.clock.clearTimeout(timer);
    timer = d.clock.setTimeout(() => { timer = null; scan(); if (running && timer === null && watcher === null) arm(RESCAN_MS); }, ms);
  }

  return {
    scan,
    start() {
      running = true;
      try {
        mkdirSync(dir, { recursive: true, mode: PRIVATE_FOLDER });
      } catch (e) {
        d.logger.warn(`the inbox folder ${dir} cannot be made; files put there will not be taken`, e);
        return;
      }
      try { d.forgetAllBut(new Set(readdirSync(dir))); } catch (e) { d.logger.warn(`the inbox folder ${dir} cannot be read`, e); }
      scan();
      try {
        watcher = watch(dir, () => {
          if (soon) return;
          soon = true;
          setImmediate(() => { soon = false; if (running) scan(); });
        });
        watcher.on('error', () => { watcher?.close(); watcher = null; if (running && timer === null) arm(RESCAN_MS); });
      } catch {
        watcher = null;
      }
      // Not watched: a look every few seconds.
      if (watcher === null && timer === null) arm(RESCAN_MS);
    },
    stop() {
      running = false;
      watcher?.close();
      watcher = null;
      if (timer !== null) d.clock.clearTimeout(timer);
      timer = null;
    },
  };
}

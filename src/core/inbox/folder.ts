// The inbox folder (<data folder>/inbox): a .json or .txt file put there is a message. It is
// stored (inbox.ts), then moved to inbox/taken/. A file is known by its name and a hash of
// its content, so a crash between the two does not take it twice: at the next look the
// stored message is found and the file is only moved. Names starting with "." and other
// extensions are left alone (write a file elsewhere, or under a dot name, then rename it in).
//
// It looks at start, when the folder changes (fs.watch), and every few seconds (a watch
// may miss changes on some file systems); looks never overlap.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, statSync, watch, type FSWatcher, openSync, readSync, closeSync } from 'node:fs';
import { extname, join } from 'node:path';
import { MESSAGE_LIMIT } from '../api/schemas';
import type { Logger } from '../ports';
import { PRIVATE_FOLDER } from '../db/folder';
import type { Incoming } from './inbox';

const RESCAN_MS = 5_000;

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

export function inboxFolder(dir: string, d: { receive(m: Incoming): unknown; logger: Logger }) {
  const taken = join(dir, 'taken');
  let watcher: FSWatcher | null = null;
  let timer: ReturnType<typeof setInterval> | null = null;
  let soon: ReturnType<typeof setTimeout> | null = null;

  /** Moves a taken file out of the way (a name already there gets a number). */
  const moveOut = (name: string) => {
    let target = join(taken, name);
    for (let i = 2; existsSync(target); i++) target = join(taken, `${i}-${name}`);
    renameSync(join(dir, name), target);
  };

  /** Takes every message file now in the folder; returns how many it took. */
  function scan(): number {
    let count = 0;
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
        if (!statSync(path).isFile()) continue;
        const { data, truncated } = readHead(path, MESSAGE_LIMIT);
        const fileKey = `${name}:${createHash('sha256').update(data).digest('hex')}`;
        d.receive({ source: 'folder', text: data.toString('utf8'), format: ext === '.json' ? 'json' : 'text', fileKey, truncated });
        moveOut(name);
        count++;
      } catch (e) {
        d.logger.warn(`the inbox file ${path} could not be taken; will try again`, e);
      }
    }
    return count;
  }

  return {
    scan,
    start() {
      mkdirSync(dir, { recursive: true, mode: PRIVATE_FOLDER });
      scan();
      try {
        watcher = watch(dir, () => {
          if (soon) return;
          soon = setTimeout(() => { soon = null; scan(); }, 50);
        });
        watcher.on('error', () => { watcher?.close(); watcher = null; });
      } catch { /* the periodic look still runs */ }
      timer = setInterval(scan, RESCAN_MS);
      timer.unref();
    },
    stop() {
      watcher?.close();
      watcher = null;
      if (timer) clearInterval(timer);
      if (soon) clearTimeout(soon);
      timer = soon = null;
    },
  };
}

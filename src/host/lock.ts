// One host per data folder: a lock file holding the owner's pid. A lock whose process is
// gone (a crash, a kill -9) is stale and taken over.
import { openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class LockedError extends Error {
  constructor(readonly pid: number, path: string) {
    super(`Tasklane is already running on this data folder (pid ${pid}); lock file ${path}`);
  }
}

/** Takes the lock or throws LockedError; returns the function that releases it. */
export function acquireLock(path: string): () => void {
  for (let tries = 0; tries < 2; tries++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(readFileSync(path, 'utf8').trim());
      if (pid && pid !== process.pid && alive(pid)) throw new LockedError(pid, path);
      rmSync(path, { force: true });
    }
  }
  throw new Error(`could not take the lock ${path}`);
}

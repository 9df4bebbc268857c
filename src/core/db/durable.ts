// Durable acceptance. The database runs WAL with synchronous=NORMAL: a commit writes its
// frames to the WAL file but does not fsync it, so a power loss or an OS crash can take the
// last commits back (a crash of the app alone cannot: the frames are in the OS's cache).
// Making every commit fsync (synchronous=FULL) halved the drain (67k → 30k runs/s), so
// instead a host answers a write command only after `sync()`: one fdatasync of the WAL
// file for everything committed up to that turn of the event loop, however many requests
// wait on it, done on libuv's thread pool so the engine keeps running meanwhile.
// fsync works on the file, not on the descriptor, so our own descriptor of the WAL flushes
// the frames SQLite wrote through its own; frames already checkpointed into the database
// file were synced by the checkpoint (SQLite syncs both files around a checkpoint).
import { closeSync, existsSync, fdatasync, fsync, openSync } from 'node:fs';

/** Makes the database's committed writes durable. */
export interface Syncer {
  sync(): Promise<void>;
  close(): void;
}

/** fdatasync of `<db>-wal` (or of the database itself, before a WAL exists). */
export function walSync(dbPath: string): Syncer {
  if (dbPath === ':memory:') return { sync: () => Promise.resolve(), close() {} };
  let fd: number | null = null;
  // After the engine closed the database (which checkpoints and syncs it), nothing is left.
  let closed = false;
  const open = (): number => {
    if (fd !== null) return fd;
    const wal = `${dbPath}-wal`;
    fd = openSync(existsSync(wal) ? wal : dbPath, 'r+');
    return fd;
  };
  return {
    sync: () => new Promise<void>((resolve, reject) => {
      if (closed) { resolve(); return; }
      let d: number;
      try { d = open(); } catch (e) { reject(e); return; }
      // macOS's fdatasync is not a full barrier either; fsync is what SQLite itself uses there.
      const flush = process.platform === 'darwin' ? fsync : fdatasync;
      flush(d, (e) => (e ? reject(e) : resolve()));
    }),
    close() {
      closed = true;
      if (fd !== null) closeSync(fd);
      fd = null;
    },
  };
}

interface Waiter { resolve(): void; reject(e: unknown): void }

/**
 * Groups sync requests: every request made before a sync starts is answered by that sync;
 * one made while a sync is under way waits for the next (its commit may have come after
 * the one under way began).
 */
export class GroupSync {
  readonly #syncer: Syncer;
  #next: Waiter[] = [];
  #running = false;
  #scheduled = false;

  constructor(syncer: Syncer) {
    this.#syncer = syncer;
  }

  /** Resolves once everything committed before this call is on disk. */
  sync(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#next.push({ resolve, reject });
      this.#schedule();
    });
  }

  close(): void {
    this.#syncer.close();
  }

  #schedule(): void {
    if (this.#scheduled || this.#running || !this.#next.length) return;
    this.#scheduled = true;
    setImmediate(() => void this.#run());
  }

  async #run(): Promise<void> {
    this.#scheduled = false;
    const batch = this.#next;
    this.#next = [];
    this.#running = true;
    try {
      await this.#syncer.sync();
      for (const w of batch) w.resolve();
    } catch (e) {
      for (const w of batch) w.reject(e);
    } finally {
      this.#running = false;
      this.#schedule();
    }
  }
}

// Artifacts: files a run keeps. A shell run prints a line `::artifact <path>` (relative to its
// folder), a plugin calls ctx.artifact(path); the file is copied into the data folder, under
// artifacts/<run id>/, when the line is read (print it once the file is final), one file of
// a run at a time (so two of the same name are kept apart). A run keeps at most ARTIFACT_RUN_CAP bytes of
// them (a file over what is left is refused, and the log says so). They are listed in the
// run's detail, downloaded from the window or with `tasklane files`, and go with their run
// when it is pruned or discarded. An engine without a data folder keeps none.
import { copyFile, mkdir, realpath, stat } from 'node:fs/promises';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { basename, extname, isAbsolute, join, resolve, sep } from 'node:path';
import type Database from 'better-sqlite3';
import type { ArtifactInfo } from '../api/types';

/** What one run may keep, in all. */
export const ARTIFACT_RUN_CAP = 100 * 1024 * 1024;
/** A name as kept: its base name, with anything but letters, digits, dot, dash, underscore made "_". */
const safeName = (path: string) => basename(path).replace(/[^\w.-]/g, '_').replace(/^\.+/, '_') || 'file';

export class ArtifactError extends Error {}

/** Which of these run ids exist (for sweep). */
export function existingRuns(sqlite: Database.Database, ids: readonly number[]): Set<number> {
  return new Set(sqlite.prepare<[string], number>(`SELECT id FROM runs WHERE id IN (SELECT value FROM json_each(?))`).pluck().all(JSON.stringify(ids)));
}

export function createArtifacts(dataDir: string | null, cap = ARTIFACT_RUN_CAP) {
  const root = dataDir === null ? null : join(dataDir, 'artifacts');
  const folder = (runId: number) => join(root!, String(runId));

  function list(runId: number): ArtifactInfo[] {
    if (root === null || !existsSync(folder(runId))) return [];
    return readdirSync(folder(runId), { withFileTypes: true }).filter((e) => e.isFile())
      .map((e) => ({ name: e.name, size: statSync(join(folder(runId), e.name)).size }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Per run, the copy under way: the next one starts after it. */
  const queues = new Map<number, Promise<unknown>>();

  /** Copies the file at `path` (relative to `base`) in as the run's; says why not if it cannot. */
  async function copyIn(runId: number, path: string, base: string, within: boolean): Promise<ArtifactInfo> {
    if (root === null) throw new ArtifactError('this Tasklane has no data folder to keep files in');
    const from = isAbsolute(path) ? path : resolve(base, path);
    // A shell run's line may come from anything it printed: only files in its folder are kept.
    if (within) {
      let real: string;
      let folderReal: string;
      try { [real, folderReal] = await Promise.all([realpath(from), realpath(base)]); } catch (e) {
        throw new ArtifactError(`${from} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
      }
      if (!real.startsWith(folderReal + sep)) throw new ArtifactError(`${from} is not in the run's folder (${base})`);
    }
    let size: number;
    try {
      const s = await stat(from);
      if (!s.isFile()) throw new ArtifactError(`${from} is not a file`);
      size = s.size;
    } catch (e) {
      if (e instanceof ArtifactError) throw e;
      throw new ArtifactError(`${from} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    const kept = list(runId);
    const used = kept.reduce((n, a) => n + a.size, 0);
    if (used + size > cap) throw new ArtifactError(`${from} (${size} bytes) is over what this run may still keep (${cap - used} of ${cap} bytes)`);
    // The same name twice: the later one is name-2.ext, name-3.ext, …
    const want = safeName(from);
    const taken = new Set(kept.map((a) => a.name));
    let name = want;
    for (let i = 2; taken.has(name); i++) name = `${basename(want, extname(want))}-${i}${extname(want)}`;
    await mkdir(folder(runId), { recursive: true, mode: 0o700 });
    await copyFile(from, join(folder(runId), name));
    return { name, size };
  }

  return {
    list,
    /** `within`: the file must be in `base` (a shell run's folder), symbolic links followed. */
    keep(runId: number, path: string, base: string, within = false): Promise<ArtifactInfo> {
      const next = (queues.get(runId) ?? Promise.resolve()).then(() => copyIn(runId, path, base, within));
      const settled = next.catch(() => {});
      queues.set(runId, settled);
      void settled.then(() => { if (queues.get(runId) === settled) queues.delete(runId); });
      return next;
    },
    /** The kept file's path, or null (a name that is not one of the run's files). */
    file(runId: number, name: string): string | null {
      return list(runId).some((a) => a.name === name) ? join(folder(runId), name) : null;
    },
    /** Removes these runs' files (discarded). */
    remove(runIds: readonly number[]): void {
      if (root === null) return;
      for (const id of runIds) rmSync(folder(id), { recursive: true, force: true });
    },
    /** Removes the files of runs that no longer exist (after a prune, and at start). */
    sweep(exists: (ids: number[]) => Set<number>): void {
      if (root === null || !existsSync(root)) return;
      const ids = readdirSync(root).filter((n) => /^\d+$/.test(n)).map(Number);
      if (!ids.length) return;
      const alive = exists(ids);
      for (const id of ids) if (!alive.has(id)) rmSync(folder(id), { recursive: true, force: true });
    },
  };
}
export type Artifacts = ReturnType<typeof createArtifacts>;

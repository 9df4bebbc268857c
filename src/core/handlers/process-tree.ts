// Process trees of shell runs, found again after the host died. A shell run is spawned as
// the leader of its own process group (so a timeout ends everything it started); the engine
// records the leader's pid and start time when it starts. A pid can be reused by another
// program once its process is gone, so a tree is ours only when the leader's start time
// matches, or, with the leader gone, while its group still has members (the kernel does not
// hand out a pid that is still some live group's id).
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

export type TreeState = 'ours' | 'orphans' | 'gone' | 'reused';

/** When the process started, in the OS's own terms (Linux: ticks since boot; macOS: ps's
 *  lstart), or null when it is gone or the platform has no such thing (Windows). */
export function processStartTime(pid: number): string | null {
  if (process.platform === 'linux') {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // Fields after the command name, which sits in parentheses and may hold spaces.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return fields[19] ?? null; // field 22, starttime
    } catch {
      return null;
    }
  }
  if (process.platform === 'darwin') {
    const ps = spawnSync('ps', ['-o', 'lstart=', '-p', String(pid)], { encoding: 'utf8' });
    const out = ps.status === 0 ? ps.stdout.trim() : '';
    return out || null;
  }
  return null;
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function treeState(pgid: number, startedAt: string | null): TreeState {
  if (process.platform === 'win32') return 'gone';
  const now = processStartTime(pgid);
  if (now !== null) return startedAt !== null && now === startedAt ? 'ours' : 'reused';
  return groupAlive(pgid) ? 'orphans' : 'gone';
}

export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try { process.kill(-pgid, signal); } catch { /* already gone */ }
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits (polling, real time: the process is real) until the group is gone or `ms` passed. */
async function waitGone(pgid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  for (;;) {
    if (!groupAlive(pgid)) return true;
    if (Date.now() >= until) return false;
    await pause(25);
  }
}

/**
 * Ends a tree left by a dead host, if it is still ours: SIGTERM, then SIGKILL after
 * `graceMs`. Says what it found and did, for the attempt's record.
 */
export async function endLeftoverTree(pgid: number, startedAt: string | null, graceMs: number): Promise<string | null> {
  const state = treeState(pgid, startedAt);
  if (state === 'gone' || state === 'reused') return null;
  signalGroup(pgid, 'SIGTERM');
  if (await waitGone(pgid, graceMs)) return `its processes (group ${pgid}) were still running and were ended with SIGTERM`;
  signalGroup(pgid, 'SIGKILL');
  await waitGone(pgid, 5_000);
  return `its processes (group ${pgid}) were still running and were killed (SIGKILL after ${graceMs} ms)`;
}

/** Ends a group this host started (its leader's start time was checked when it started). */
export async function endOwnTree(pgid: number, graceMs: number): Promise<void> {
  signalGroup(pgid, 'SIGTERM');
  if (await waitGone(pgid, graceMs)) return;
  signalGroup(pgid, 'SIGKILL');
  await waitGone(pgid, 5_000);
}

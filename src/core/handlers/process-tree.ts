// Process trees of shell runs, found again after the host died. A shell run is spawned as
// the leader of its own process group (so a timeout ends everything it started); the engine
// records the leader's pid and start time when it starts. A pid can be reused by another
// program once its process is gone, so a tree is ours only when the leader's start time
// matches, or, with the leader gone, while its group still has members (the kernel does not
// hand out a pid that is still some live group's id). Only running members count: a zombie
// (exited, not yet reaped by PID 1) is gone, whatever `kill -0` says.
import { readdirSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

export type TreeState = 'ours' | 'orphans' | 'gone' | 'reused';

/** Linux: the fields of /proc/<pid>/stat after the command name (which sits in parentheses
 *  and may hold spaces): [0] state, [2] process group, [19] start time. Null when gone. */
function procStat(pid: number | string): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

const running = (fields: string[]) => fields[0] !== 'Z' && fields[0] !== 'X';

/** When the process started, in the OS's own terms (Linux: ticks since boot; macOS: ps's
 *  lstart), or null when it is gone or the platform has no such thing (Windows). */
export function processStartTime(pid: number): string | null {
  if (process.platform === 'linux') return procStat(pid)?.[19] ?? null; // field 22, starttime
  if (process.platform === 'darwin') {
    const ps = spawnSync('ps', ['-o', 'lstart=', '-p', String(pid)], { encoding: 'utf8' });
    const out = ps.status === 0 ? ps.stdout.trim() : '';
    return out || null;
  }
  return null;
}

/**
 * Whether any process of the group is still running. A zombie does not count: a leader that
 * exited after its host died may wait a long time for PID 1 to reap it (forever in a
 * container without an init), and `kill(-pgid, 0)` still succeeds on it.
 */
function groupRunning(pgid: number): boolean {
  if (process.platform === 'linux') {
    let entries: string[];
    try { entries = readdirSync('/proc'); } catch { return signalable(pgid); }
    return entries.some((entry) => {
      const fields = /^\d+$/.test(entry) ? procStat(entry) : null;
      return fields !== null && Number(fields[2]) === pgid && running(fields);
    });
  }
  if (process.platform === 'darwin') {
    const ps = spawnSync('ps', ['-o', 'stat=', '-g', String(pgid)], { encoding: 'utf8' });
    if (ps.status !== 0) return false;
    return ps.stdout.split('\n').some((line) => line.trim() !== '' && !line.trim().startsWith('Z'));
  }
  return signalable(pgid);
}

function signalable(pgid: number): boolean {
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
  if (now !== null && (startedAt === null || now !== startedAt)) return 'reused';
  if (!groupRunning(pgid)) return 'gone';
  return now !== null ? 'ours' : 'orphans';
}

export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try { process.kill(-pgid, signal); } catch { /* already gone */ }
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits (polling, real time: the process is real) until the group is gone or `ms` passed. */
async function waitGone(pgid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  for (;;) {
    if (!groupRunning(pgid)) return true;
    if (Date.now() >= until) return false;
    await pause(25);
  }
}

/**
 * Ends a tree left by a dead host, if it is still ours: SIGTERM, then SIGKILL after
 * `graceMs`. Says what it found and did, for the attempt's record.
 */
export async function endLeftoverTree(pgid: number, startedAt: string | null, graceMs: number, tagged = false): Promise<string | null> {
  // A group found by its TASKLANE_RUN tag is the attempt's for sure; one found by the
  // recorded pid only if the leader's start time still matches.
  const state = tagged ? (groupRunning(pgid) ? 'ours' : 'gone') : treeState(pgid, startedAt);
  if (state === 'gone' || state === 'reused') return null;
  return await endOwnTree(pgid, graceMs)
    ? `its processes (group ${pgid}) were still running and were ended with SIGTERM`
    : `its processes (group ${pgid}) were still running and were killed (SIGKILL after ${graceMs} ms)`;
}

/** Ends a group known to be ours: SIGTERM, SIGKILL after `graceMs`, and waits until it is
 *  gone. True when SIGTERM was enough. */
export async function endOwnTree(pgid: number, graceMs: number): Promise<boolean> {
  signalGroup(pgid, 'SIGTERM');
  if (await waitGone(pgid, graceMs)) return true;
  signalGroup(pgid, 'SIGKILL');
  await waitGone(pgid, 5_000);
  return false;
}

/**
 * The process groups of running processes whose environment carries TASKLANE_RUN=<tag>,
 * per tag (Linux: /proc/<pid>/environ; elsewhere none). Finds what an attempt started even
 * when its host died before recording the pid, and children that left its group.
 */
export function taggedGroups(tags: ReadonlySet<string>): Map<string, Set<number>> {
  const found = new Map<string, Set<number>>();
  if (process.platform !== 'linux' || !tags.size) return found;
  let entries: string[];
  try { entries = readdirSync('/proc'); } catch { return found; }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    let environ: string;
    try { environ = readFileSync(`/proc/${entry}/environ`, 'latin1'); } catch { continue; }
    const env = `\0${environ}`;
    const at = env.indexOf('\0TASKLANE_RUN=');
    if (at < 0) continue;
    const end = env.indexOf('\0', at + 1);
    const tag = env.slice(at + 14, end < 0 ? undefined : end);
    if (!tags.has(tag)) continue;
    const fields = procStat(entry);
    if (!fields || !running(fields)) continue;
    const groups = found.get(tag) ?? new Set<number>();
    groups.add(Number(fields[2]));
    found.set(tag, groups);
  }
  return found;
}

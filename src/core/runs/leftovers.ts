// Runs marked running whose process tree is still alive: the host that ran them died and
// left the tree behind (shell runs lead their own process group). The engine ends these
// before recovery queues the runs again, so that one run never runs twice at once.
import type { RunStore } from '../db/run-store';
import { endLeftoverTree, taggedGroups, treeState } from '../handlers/process-tree';

/** After a crash, a leftover tree gets its run's own kill grace, but never more than this. */
const LEFTOVER_GRACE_CAP_MS = 30_000;
const DEFAULT_GRACE_MS = 5_000;

export interface LeftoverTree { id: number; groups: { pgid: number; startedAt: string | null; tagged: boolean }[]; graceMs: number }

/** `tagOf`: the TASKLANE_RUN value of an attempt's processes (engine.ts). */
export function findLeftovers(store: Pick<RunStore, 'running' | 'get'>, tagOf: (runId: number, attempt: number) => string): LeftoverTree[] {
  const running = store.running();
  if (!running.length) return [];
  // Found two ways: the recorded leader (checked by its start time), and any running
  // process carrying the attempt's TASKLANE_RUN tag (a crash between the spawn and the
  // record, or a child that left the group).
  const tags = new Map(running.map((r) => [tagOf(r.id, r.attempt), r]));
  const tagged = taggedGroups(new Set(tags.keys()));
  const found: LeftoverTree[] = [];
  for (const [tag, run] of tags) {
    const groups: LeftoverTree['groups'] = [...(tagged.get(tag) ?? [])].map((pgid) => ({ pgid, startedAt: null, tagged: true }));
    if (run.pid !== null && !tagged.get(tag)?.has(run.pid)) {
      const state = treeState(run.pid, run.pidStartedAt);
      // A leader gone with members left is ours only where tags cannot tell (not Linux):
      // on Linux the tag scan above finds such members, and a reused number is never hit.
      if (state === 'ours' || (state === 'orphans' && process.platform !== 'linux')) {
        groups.push({ pgid: run.pid, startedAt: run.pidStartedAt, tagged: false });
      }
    }
    if (!groups.length) continue;
    const grace = Number((JSON.parse(store.get(run.id)?.input ?? '{}') as { killGraceMs?: unknown }).killGraceMs);
    found.push({ id: run.id, groups,
      graceMs: Number.isFinite(grace) ? Math.min(Math.max(grace, 0), LEFTOVER_GRACE_CAP_MS) : DEFAULT_GRACE_MS });
  }
  return found;
}

/** Ends the trees findLeftovers() found; says, per run, what was done (for its attempt). */
export async function endLeftovers(trees: LeftoverTree[]): Promise<Map<number, string>> {
  const notes = new Map<number, string>();
  await Promise.all(trees.map(async (t) => {
    const said = await Promise.all(t.groups.map((g) => endLeftoverTree(g.pgid, g.startedAt, t.graceMs, g.tagged)));
    const note = said.filter((n) => n !== null).join('; ');
    if (note) notes.set(t.id, note);
  }));
  return notes;
}

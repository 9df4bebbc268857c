// The seams the code relies on, checked: the layers import only downwards, every status
// write goes through runs/transitions.ts, the partial indexes say what the lifecycle says,
// and every command of the contract is validated and guarded by the registry.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COMMAND_NAMES } from './api/contract';
import { dispatch } from './commands';
import { INDEX_PREDICATES } from './db/schema';
import { promoteDueSql } from './db/run-store';
import { DUE_STATUSES } from './api/statuses';
import { settle } from './testing/harness';
import { createHarness, type Harness } from './testing/harness';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const src = (p: string) => join(root, p);

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? filesUnder(p) : /\.(ts|tsx)$/.test(f) ? [p] : [];
  });
}
const isTest = (f: string) => /\.test\.tsx?$/.test(f) || f.includes('/testing/');
/** The relative imports of a file, resolved to files (type-only imports included). */
function importsOf(file: string): { target: string; typeOnly: boolean }[] {
  const text = readFileSync(file, 'utf8');
  const found: { target: string; typeOnly: boolean }[] = [];
  for (const m of text.matchAll(/^(?:import|export)\s+(type\s+)?[^'";]*?from\s+'([^']+)'/gms)) {
    const spec = m[2];
    if (!spec.startsWith('.')) { found.push({ target: spec, typeOnly: Boolean(m[1]) }); continue; }
    const base = resolve(dirname(file), spec);
    const target = ['.ts', '.tsx', '/index.ts'].map((x) => base + x).find((p) => { try { return statSync(p).isFile(); } catch { return false; } });
    found.push({ target: target ?? base, typeOnly: Boolean(m[1]) });
  }
  return found;
}
function closure(file: string): Set<string> {
  const seen = new Set<string>();
  const todo = [file];
  while (todo.length) {
    const f = todo.pop()!;
    if (seen.has(f)) continue;
    seen.add(f);
    for (const { target } of importsOf(f)) if (target.startsWith('/')) todo.push(target);
  }
  return seen;
}

describe('layers', () => {
  it('the contract reaches only schemas, types and the lifecycle constants: never the engine', () => {
    const reached = [...closure(src('src/core/api/contract.ts'))].map((f) => relative(root, f)).sort();
    expect(reached).toEqual(['src/core/api/contract.ts', 'src/core/api/schemas.ts', 'src/core/api/statuses.ts',
      'src/core/api/types.ts', 'src/core/errors.ts', 'src/core/runs/backoff.ts']);
  });

  it('the engine imports nothing of the hosts, the CLI, Electron or React', () => {
    for (const file of filesUnder(src('src/core'))) {
      for (const { target } of importsOf(file)) {
        const rel = target.startsWith('/') ? relative(root, target) : target;
        expect(rel, `${relative(root, file)} imports ${rel}`).not.toMatch(/^(src\/(host|cli|renderer)|electron)\b|^(electron|react|zustand)$/);
      }
    }
  });

  it('the window imports only the contract from the engine (its types, and the status sets as data), and nothing of the hosts', () => {
    for (const file of filesUnder(src('src/renderer/src')).filter((f) => !isTest(f))) {
      for (const { target, typeOnly } of importsOf(file)) {
        if (!target.startsWith('/')) continue;
        const rel = relative(root, target);
        if (rel.startsWith('src/renderer/') || rel.startsWith('src/shared/')) continue;
        expect(rel, `${relative(root, file)} imports ${rel}`).toMatch(/^src\/core\/api\//);
        if (rel !== 'src/core/api/statuses.ts') expect(typeOnly, `${relative(root, file)} imports values from ${rel}`).toBe(true);
      }
    }
  });

  it('the CLI reaches the engine only through the contract\'s types and the host (serve)', () => {
    for (const file of filesUnder(src('src/cli')).filter((f) => !isTest(f))) {
      for (const { target } of importsOf(file)) {
        if (!target.startsWith('/')) continue;
        const rel = relative(root, target);
        if (rel.startsWith('src/core/')) expect(rel, `${relative(root, file)} imports ${rel}`).toMatch(/^src\/core\/(api\/|errors\.ts|db\/care\.ts|db\/open\.ts|index\.ts)/);
      }
    }
  });
});

describe('status writes', () => {
  // The run store's methods that write a status; only the transitions call them.
  const writers = ['markRunning', 'succeed', 'finishWithError', 'retryLater', 'setStatus', 'requeueInterrupted',
    'retryByPerson', 'promoteDue', 'promoteNow', 'delete'];

  it('only runs/transitions.ts calls the run store\'s status writes', () => {
    const callers = new Map<string, string[]>();
    for (const file of filesUnder(src('src/core')).filter((f) => !isTest(f))) {
      const text = readFileSync(file, 'utf8');
      for (const w of writers) {
        if (new RegExp(`\\bstore\\.${w}\\(`).test(text)) callers.set(w, [...(callers.get(w) ?? []), relative(root, file)]);
      }
    }
    for (const [w, files] of callers) expect(files, `store.${w}`).toEqual(['src/core/runs/transitions.ts']);
    expect([...callers.keys()].sort()).toEqual([...writers].sort());
  });

  it('only the run store writes runs.status in SQL', () => {
    for (const file of filesUnder(src('src/core')).filter((f) => !isTest(f) && !f.endsWith('db/run-store.ts'))) {
      expect(readFileSync(file, 'utf8'), relative(root, file)).not.toMatch(/UPDATE runs[\s\S]{0,80}SET[^;`]*\bstatus\s*=/);
    }
  });
});

describe('the database', () => {
  let h: Harness;
  beforeEach(() => { h = createHarness(); });
  afterEach(async () => { await h.cleanup(); });

  it('every partial index says exactly what the lifecycle constants say', () => {
    const db = new Database(h.dbPath, { readonly: true });
    try {
      const rows = db.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND name IN (${Object.keys(INDEX_PREDICATES).map(() => '?').join(', ')})`)
        .all(...Object.keys(INDEX_PREDICATES)) as { name: string; sql: string }[];
      expect(rows).toHaveLength(Object.keys(INDEX_PREDICATES).length);
      for (const row of rows) {
        const where = row.sql.slice(row.sql.indexOf(' WHERE ') + 7);
        expect(where, row.name).toBe(INDEX_PREDICATES[row.name as keyof typeof INDEX_PREDICATES]);
      }
    } finally {
      db.close();
    }
  });


  it('the due timer finds due runs through runs_due, not by scanning the table', () => {
    const db = new Database(h.dbPath);
    try {
      for (const from of DUE_STATUSES) {
        const plan = (db.prepare(`EXPLAIN QUERY PLAN ${promoteDueSql(from)}`).all({ now: 1 }) as { detail: string }[]).map((r) => r.detail).join('; ');
        expect(plan, from).toMatch(/USING INDEX runs_due/);
      }
    } finally {
      db.close();
    }
  });
});

describe('answers and their seq', () => {
  let h: Harness;
  beforeEach(() => { h = createHarness(); });
  afterEach(async () => { await h.cleanup(); });

  it('a lanes answer made just after a run ended already counts the end it announces', async () => {
    await h.engine.start();
    const { id } = h.engine.enqueue({ kind: 'test.gate' });
    await settle();
    h.gate.release(id);
    for (let i = 0; i < 5; i++) await Promise.resolve(); // settled, not flushed yet
    const answer = await dispatch(h.engine, 'listLanes', {}) as { ok: true; value: { name: string; running: number }[]; seq: number };
    expect(answer.value.find((l) => l.name === 'default')?.running).toBe(0);
    const ended = h.events.find((e) => e.type === 'run.succeeded' && e.runId === id);
    expect(ended?.seq).toBeLessThanOrEqual(answer.seq);
  });
});

describe('the registry', () => {
  let h: Harness;
  beforeEach(() => { h = createHarness(); });
  afterEach(async () => { await h.cleanup(); });

  it('every command refuses a field its schema does not know, before its handler runs', async () => {
    for (const name of COMMAND_NAMES) {
      const outcome = await dispatch(h.engine, name, { notAField: 1 });
      expect(outcome, name).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
      expect(typeof h.engine[name], name).toBe('function');
    }
  });

  it('every command answers ENGINE_STOPPED once the engine is stopped', async () => {
    await h.engine.stop({ timeoutMs: 0 });
    for (const name of COMMAND_NAMES) {
      const outcome = await dispatch(h.engine, name, {});
      expect(outcome, name).toMatchObject({ ok: false, error: { code: 'ENGINE_STOPPED' } });
    }
  });
});

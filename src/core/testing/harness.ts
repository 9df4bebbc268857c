// Test support: an engine on a real SQLite file in its own temp folder, a fake clock,
// and test kinds whose runs the test controls (release, fail, hang).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { z } from 'zod';
import { createEngine, type Engine, type EngineOptions } from '../index';
import { KindError } from '../kinds';
import { createFakeClock, settle, type FakeClock } from '../util/fake-clock';
import type { EngineEvent } from '../api/types';

export { settle };

export function tempDir(prefix = 'tasklane-test-'): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs of `test.gate` wait until the test releases them; tracks what runs at once. */
export class Gate {
  readonly started: number[] = [];
  inFlight = 0;
  maxInFlight = 0;
  private waiting = new Map<number, { resolve(v: unknown): void; reject(e: unknown): void }>();

  kind = {
    input: z.object({ tag: z.string().optional() }),
    run: (_input: unknown, ctx: { runId: number; signal: AbortSignal }) => new Promise((resolve, reject) => {
      this.started.push(ctx.runId);
      this.inFlight++;
      this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
      const done = () => { this.inFlight--; this.waiting.delete(ctx.runId); };
      this.waiting.set(ctx.runId, {
        resolve: (v) => { done(); resolve(v); },
        reject: (e) => { done(); reject(e); },
      });
      ctx.signal.addEventListener('abort', () => { if (this.waiting.has(ctx.runId)) { done(); reject(ctx.signal.reason); } });
    }),
  };

  get running(): number[] { return [...this.waiting.keys()]; }
  release(runId: number, value: unknown = 'ok'): void { this.waiting.get(runId)?.resolve(value); }
  fail(runId: number, error: unknown = new Error('boom')): void { this.waiting.get(runId)?.reject(error); }
  releaseAll(): void { for (const id of this.running) this.release(id); }
}

export interface Harness {
  engine: Engine;
  clock: FakeClock;
  gate: Gate;
  dir: string;
  dbPath: string;
  events: EngineEvent[];
  /** Re-creates the engine on the same database file (as after an app restart). */
  reopen(opts?: Partial<EngineOptions>): Engine;
  cleanup(): Promise<void>;
}

export function testKinds(gate: Gate) {
  return {
    noop: { input: z.unknown(), run: () => null },
    echo: { input: z.object({ value: z.unknown() }), run: (input: { value: unknown }) => input.value },
    'test.gate': gate.kind,
    'test.fail': {
      input: z.object({ code: z.string().default('BOOM'), retryable: z.boolean().default(true) }),
      run: (input: { code: string; retryable: boolean }) => {
        throw new KindError(input.code, `failed with ${input.code}`, { retryable: input.retryable });
      },
    },
    // Ignores its AbortSignal and never ends.
    'test.hang': { input: z.unknown(), run: () => new Promise(() => {}) },
  };
}

export function createHarness(opts: Partial<EngineOptions> = {}): Harness {
  const { dir, cleanup } = tempDir();
  const clock = (opts.clock as FakeClock | undefined) ?? createFakeClock();
  const gate = new Gate();
  const events: EngineEvent[] = [];
  const dbPath = join(dir, 'tasklane.db');
  const make = (extra: Partial<EngineOptions> = {}) => {
    // A notifier that shows nothing: a test never puts a notification on the desktop.
    const engine = createEngine({ dataDir: dir, clock, kinds: testKinds(gate), random: () => 0, notifier: { notify: () => true }, ...opts, ...extra });
    engine.on('*', (e) => events.push(e));
    return engine;
  };
  const h: Harness = {
    engine: make(), clock, gate, dir, dbPath, events,
    reopen(extra) {
      h.engine = make(extra);
      return h.engine;
    },
    async cleanup() {
      await h.engine.stop({ timeoutMs: 0 });
      cleanup();
    },
  };
  return h;
}

/** Every row of every table, for "changes nothing" assertions. The search index's tables
 *  and the daily rollups are left out: they are derived from the others, and follow them in
 *  the background. */
export function snapshot(dbPath: string): string {
  const db = new Database(dbPath, { readonly: true });
  try {
    const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'search%'
      AND name NOT LIKE '%_daily' AND name != 'rollup_state' ORDER BY name`).pluck().all() as string[];
    return JSON.stringify(tables.map((t) => [t, db.prepare(`SELECT * FROM "${t}"`).all()]));
  } finally {
    db.close();
  }
}

/** Reads the database file directly, as another process would. */
export function query<T = Record<string, unknown>>(dbPath: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

/** The typed error `fn` throws (the test fails if it throws nothing). */
export function errorOf(fn: () => unknown): { code: string; message: string; field?: string } {
  try { fn(); } catch (e) { return e as { code: string; message: string; field?: string }; }
  throw new Error('it did not throw');
}

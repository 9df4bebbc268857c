import { afterEach, beforeEach, expect, it } from 'vitest';
import { COMMAND_NAMES } from './api/contract';
import { createHarness, type Harness } from './testing/harness';

let h: Harness;
beforeEach(() => { h = createHarness(); });
afterEach(async () => { await h.cleanup(); });

it("says what a command takes: the run options' bounds and defaults as the engine checks them", () => {
  const info = h.engine.describeCommand({ name: 'enqueue' });
  expect(info).toMatchObject({ name: 'enqueue', mutates: true });
  const p = info.input.properties as Record<string, Record<string, unknown>>;
  expect(p.priority).toMatchObject({ minimum: 0, maximum: 10, default: 5 });
  expect(p.maxAttempts).toMatchObject({ minimum: 1, maximum: 100, default: 3 });
  expect((p.backoff.properties as Record<string, unknown>).delayMs).toMatchObject({ default: 5_000 });
  expect(info.input.required).toEqual(['kind']);
  // What it says is what the engine does: a run left to the defaults gets them.
  const id = h.engine.enqueue({ kind: 'noop' }).id;
  expect(h.engine.getRun({ id })).toMatchObject({ priority: p.priority.default, maxAttempts: p.maxAttempts.default });
});

it('describes every command of the contract, and refuses a name that is none', () => {
  for (const name of COMMAND_NAMES) expect(h.engine.describeCommand({ name }).input.type, name).toBe('object');
  expect(() => h.engine.describeCommand({ name: 'dropTables' })).toThrowError(expect.objectContaining({ code: 'NOT_FOUND', field: 'name' }));
});

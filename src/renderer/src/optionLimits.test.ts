import { expect, it } from 'vitest';
import { createEngine } from '../../core/index';
import { tempDir } from '../../core/testing/harness';
import { boundText, limitsOf } from './optionLimits';

// The engine's own schemas, as describeCommand gives them to the window.
const temp = tempDir();
const engine = createEngine({ dbPath: `${temp.dir}/t.db` });
const limits = (name: string) => limitsOf(engine.describeCommand({ name }).input);

it("reads the run options' bounds and defaults from the engine's schemas", () => {
  const run = limits('enqueue');
  expect(run.priority).toEqual({ min: 0, max: 10, default: 5 });
  expect(run.maxAttempts).toEqual({ min: 1, max: 100, default: 3 });
  expect(run.timeoutMaxMs).toBe(30 * 86_400_000);
  expect(run.backoff).toEqual({ type: 'exponential', delayMs: 5_000, types: ['fixed', 'exponential'] });
  expect(run.tagsMax).toBe(20);
  // A task's form reads createTask's: the same bounds; an edit (updateTask) has no defaults.
  expect(limits('createTask').priority).toEqual(run.priority);
  expect(limits('updateTask').priority).toEqual({ min: 0, max: 10 });
  expect(boundText(run.priority)).toBe('a whole number from 0 to 10');
});

it('what a schema does not say is unbounded, not a guess', () => {
  expect(limitsOf({})).toEqual({ priority: { min: -Infinity, max: Infinity }, maxAttempts: { min: -Infinity, max: Infinity },
    timeoutMaxMs: Infinity, backoff: { type: '', delayMs: 0, types: [] }, tagsMax: Infinity });
  expect(boundText({ min: -Infinity, max: Infinity })).toBe('a whole number');
});

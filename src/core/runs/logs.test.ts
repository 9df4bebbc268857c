import { afterEach, beforeEach, expect, it } from 'vitest';
import { z } from 'zod';
import { createHarness, query, type Harness } from '../testing/harness';
import type { EngineEvent } from '../api/types';

let h: Harness;
beforeEach(() => {
  h = createHarness({
    kinds: {
      chatty: {
        input: z.object({ lines: z.number() }),
        run: (input: { lines: number }, ctx) => { for (let i = 1; i <= input.lines; i++) ctx.log(i % 2 ? 'stdout' : 'stderr', `line ${i}`); },
      },
    },
  });
});
afterEach(async () => { await h.cleanup(); });

it('pages a log by sequence, tails it, streams it live, and prunes it with its run', async () => {
  const live: EngineEvent[] = [];
  h.engine.on('run.log', (e) => live.push(e));
  h.engine.start();
  const id = h.engine.enqueue({ kind: 'chatty', input: { lines: 25 } }).id;
  await h.engine.idle();
  const first = h.engine.getLogs({ runId: id, limit: 10 });
  expect(first.lines.map((l) => l.text)).toEqual(Array.from({ length: 10 }, (_, i) => `line ${i + 1}`));
  expect(first.lines[1].stream).toBe('stderr');
  const next = h.engine.getLogs({ runId: id, afterSeq: first.lastSeq, limit: 100 });
  expect(next.lines.map((l) => l.seq)).toEqual(Array.from({ length: 15 }, (_, i) => i + 11));
  expect(h.engine.tailLogs({ runId: id, lines: 2 }).lines.map((l) => l.text)).toEqual(['line 24', 'line 25']);
  expect(live.map((e) => (e as { text: string }).text)).toHaveLength(25);
  expect(() => h.engine.getLogs({ runId: 999 })).toThrowError(expect.objectContaining({ code: 'NOT_FOUND', field: 'runId' }));

  await h.clock.advance(2 * 86_400_000);
  await h.engine.prune({ olderThanDays: 1, keepLast: 0 });
  expect(query(h.dbPath, 'SELECT COUNT(*) AS n FROM run_logs')).toEqual([{ n: 0 }]);
});

it('a retried run continues its log after the earlier attempts', async () => {
  const hr = createHarness({
    kinds: {
      flaky: {
        input: z.unknown(),
        run: (_i: unknown, ctx) => {
          ctx.log('stdout', `attempt ${ctx.attempt}`);
          if (ctx.attempt === 1) throw new Error('first try fails');
        },
      },
    },
  });
  hr.engine.start();
  const id = hr.engine.enqueue({ kind: 'flaky', maxAttempts: 2, backoff: { delayMs: 100, jitter: 0 } }).id;
  await hr.engine.idle();
  await hr.clock.advance(100);
  await hr.engine.idle();
  expect(hr.engine.getLogs({ runId: id }).lines.map((l) => [l.seq, l.text])).toEqual([[1, 'attempt 1'], [2, 'attempt 2']]);
  await hr.cleanup();
});

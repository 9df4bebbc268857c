// The report kind on a real database, with a real local HTTP server for its webhook: a digest
// counts the runs it covers right (and keeps them as report.md and report.html), a query
// report makes a table of a SELECT, and a report never writes.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, settle, type Harness } from '../testing/harness';
import { signBody } from '../hooks/hooks';

let h: Harness;
beforeEach(() => { h = createHarness(); h.engine.start(); });
afterEach(async () => { await h.cleanup(); });

/** Runs `id` to its end. */
async function finished(id: number) {
  for (;;) {
    await h.engine.idle();
    const run = h.engine.getRun({ id });
    if (['succeeded', 'failed', 'dead', 'cancelled'].includes(run.status)) return run;
    await settle();
  }
}
/** A run of the gate kind that takes `ms` on the clock. */
async function gated(taskId: number, ms: number) {
  const run = h.engine.runTask({ id: taskId });
  await settle();
  await h.clock.advance(ms);
  h.gate.release(run.id, 'done');
  return finished(run.id);
}
const file = (runId: number, name: string) => readFileSync(h.engine.artifactFile(runId, name)!, 'utf8');

describe('a digest report', () => {
  it('per task: its runs, how they ended, its slowest run; the latest failures; as Markdown and HTML kept with its run', async () => {
    const backup = h.engine.createTask({ name: 'backup', kind: 'test.gate', input: {} });
    const flaky = h.engine.createTask({ name: 'flaky', kind: 'test.fail', input: { code: 'DISK', retryable: false } });
    await gated(backup.id, 1_000);
    const slow = await gated(backup.id, 3_000);
    const failed = await finished(h.engine.runTask({ id: flaky.id }).id);
    expect(failed.status).toBe('failed');

    const report = await finished(h.engine.enqueue({ kind: 'report', input: { template: 'digest', period: 'day' } }).id);
    expect(report).toMatchObject({ status: 'succeeded', result: { title: 'Tasklane digest: the last day', total: { runs: 3, succeeded: 2, failed: 1, dead: 0, cancelled: 0 } } });
    const md = file(report.id, 'report.md');
    expect(md).toContain('# Tasklane digest: the last day');
    expect(md).toContain('3 runs ended: 2 succeeded, 1 failed, 0 dead, 0 cancelled.');
    expect(md).toMatch(new RegExp(`\\| backup \\| 2 \\| 2 \\| 0 \\| 0 \\| 0 \\| 1.0 s \\| 3.0 s \\| 3.0 s \\(run ${slow.id}\\) \\|`));
    expect(md).toMatch(/\| flaky \| 1 \| 0 \| 1 \| 0 \| 0 \|/);
    expect(md).toContain(`- run ${failed.id} flaky: failed at `);
    expect(md).toContain('(DISK: failed with DISK)');
    const html = file(report.id, 'report.html');
    expect(html).toContain('<td>backup</td><td>2</td><td>2</td>');
    expect(h.engine.getRun({ id: report.id }).artifacts.map((a) => a.name).sort()).toEqual(['report.html', 'report.md']);
  });

  it('a week covers seven days; runs older than that are not counted', async () => {
    const t = h.engine.createTask({ name: 'old', kind: 'echo', input: { value: 1 } });
    await finished(h.engine.runTask({ id: t.id }).id);
    await h.clock.advance(2 * 86_400_000);
    await finished(h.engine.runTask({ id: t.id }).id);
    const day = await finished(h.engine.enqueue({ kind: 'report', input: { period: 'day' } }).id);
    const week = await finished(h.engine.enqueue({ kind: 'report', input: { period: 'week' } }).id);
    expect((day.result as { total: { runs: number } }).total.runs).toBe(1);
    expect((week.result as { total: { runs: number } }).total.runs).toBe(2 + 1); // and the day's report itself
  });

  it('is posted to its webhook, signed', async () => {
    const posts: { body: string; signature: string | undefined }[] = [];
    const server: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => { body += c; });
      req.on('end', () => { posts.push({ body, signature: req.headers['x-tasklane-signature'] as string | undefined }); res.end('ok'); });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/digest`;
      const secret = 'a-secret-of-sixteen-or-more';
      const run = await finished(h.engine.enqueue({ kind: 'report', input: { title: 'Morning', webhook: { url, secret } } }).id);
      expect(run).toMatchObject({ status: 'succeeded', result: { posted: true } });
      expect(posts).toHaveLength(1);
      expect(posts[0].signature).toBe(signBody(secret, posts[0].body));
      expect(JSON.parse(posts[0].body)).toMatchObject({ title: 'Morning', markdown: expect.stringContaining('# Morning'), data: { total: { runs: 0 } } });
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

describe('a query report', () => {
  it('makes a table of a SELECT over the runs database', async () => {
    const t = h.engine.createTask({ name: 'count me', kind: 'echo', input: { value: 1 } });
    for (let i = 0; i < 3; i++) await finished(h.engine.runTask({ id: t.id }).id);
    const run = await finished(h.engine.enqueue({ kind: 'report', input: { template: 'query', title: 'Runs per task',
      sql: `SELECT t.name AS task, count(*) AS runs FROM runs r JOIN tasks t ON t.id = r.task_id GROUP BY t.name` } }).id);
    expect(run).toMatchObject({ status: 'succeeded', result: { columns: ['task', 'runs'], rows: 1, more: false } });
    expect(file(run.id, 'report.md')).toContain('| task | runs |\n| --- | --- |\n| count me | 3 |');
  });

  it('never writes: a statement that would is refused, and the runs are as they were', async () => {
    const t = h.engine.createTask({ name: 'keep', kind: 'echo', input: { value: 1 } });
    await finished(h.engine.runTask({ id: t.id }).id);
    for (const sql of ['DELETE FROM runs', 'UPDATE runs SET status = \'dead\'', 'SELECT 1; DELETE FROM runs', 'DROP TABLE runs']) {
      const run = await finished(h.engine.enqueue({ kind: 'report', input: { template: 'query', sql } }).id);
      expect(run, sql).toMatchObject({ status: 'failed', error: { code: expect.stringMatching(/^REPORT_/) } });
    }
    expect(h.engine.listRuns({ taskId: t.id }).runs.map((r) => r.status)).toEqual(['succeeded']);
    expect(h.engine.listTasks().map((x) => x.name)).toEqual(['keep']);
  });

  it('a query that would run for ever ends with its run: a cancel kills the process that reads', async () => {
    const run = h.engine.enqueue({ kind: 'report', input: { template: 'query', sql: 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c' } });
    const readers = () => spawnSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).stdout.split('\n').filter((l) => l.includes('report-query.mjs')).length;
    for (let i = 0; i < 500 && readers() === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(readers()).toBe(1);
    h.engine.cancel({ ids: [run.id] });
    expect((await finished(run.id)).status).toBe('cancelled');
    for (let i = 0; i < 500 && readers() > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(readers()).toBe(0);
  });

  it('a query report without its sql is refused when it is enqueued', () => {
    expect(() => h.engine.enqueue({ kind: 'report', input: { template: 'query' } })).toThrowError(expect.objectContaining({ code: 'INVALID_INPUT', field: 'input.sql' }));
  });
});

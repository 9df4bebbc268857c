// The window in Debian's Chromium against a real `tasklane serve` on a long-used database
// (1,000,000 runs; BENCH_QUICK: 5,000): how soon the first rows show, the longest task on
// the page's main thread while the list scrolls and while 2,000 runs a second arrive, that
// the header's counts end exactly where the engine's are, and how often typing 18
// characters in the search box asks the engine.
// Long tasks come from the page's own PerformanceObserver ('longtask': 50 ms or more).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { chromium, type Page } from '@playwright/test';
import { quick } from '../engine';
import { median, record, withTempDir } from '../lib';
import { fill } from '../fill';
import { createEngine } from '../../src/core/index';

const RUNS = quick ? 5_000 : 1_000_000;
const CHANGES_PER_SECOND = 2_000;
const CHANGE_SECONDS = quick ? 2 : 5;
const bin = fileURLToPath(new URL('../../bin/tasklane.js', import.meta.url));
// The window is served from the build (npm test and npm run bench build it first).
if (!existsSync(fileURLToPath(new URL('../../out/renderer/index.html', import.meta.url)))) {
  throw new Error('the window is not built: run `npm run build` first (npm test does)');
}
const n = (x: number) => x.toLocaleString('en-US');

function serve(dir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [bin, 'serve', '--data-dir', dir, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /Open (http:\/\/\S+)/.exec(out);
      if (m) resolve({ child, url: m[1] });
    });
    child.on('exit', (code) => reject(new Error(`tasklane serve exited with ${code}: ${out}`)));
  });
}

/** The page's long tasks since `since` (performance.now() on the page): the longest, in ms (0: none). */
// (Page code is written as strings: this file is typed for Node, without the DOM.)
const longest = (page: Page, since: number) =>
  page.evaluate(`window.__long.filter((x) => x.at >= ${since}).reduce((m, x) => Math.max(m, x.ms), 0)`) as Promise<number>;
const pageNow = (page: Page) => page.evaluate('performance.now()') as Promise<number>;

await withTempDir(async (dir) => {
  const dbPath = join(dir, 'tasklane.db');
  await createEngine({ dbPath }).stop({ timeoutMs: 0 });
  fill(dbPath, RUNS, Date.now());
  // Every lane paused: the filled runs' inputs are real commands, and the runs that arrive
  // below stay queued (what the window follows is their arrival).
  const db = new Database(dbPath);
  db.exec(`UPDATE lanes SET paused = 1`);
  db.close();

  const { child, url } = await serve(dir);
  const base = new URL(url).origin;
  const token = new URL(url).hash.replace('#token=', '');
  const call = async (name: string, body: unknown) => {
    const res = await fetch(`${base}/api/${name}`, { method: 'POST', body: JSON.stringify(body),
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } });
    const answer = await res.json() as { ok: boolean; value?: unknown; error?: unknown };
    if (!answer.ok) throw new Error(`${name}: ${JSON.stringify(answer.error)}`);
    return answer.value;
  };
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-background-networking'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.addInitScript(`
      window.__long = [];
      window.__firstRows = null;
      new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__long.push({ at: e.startTime, ms: e.duration }); })
        .observe({ type: 'longtask', buffered: true });
      new MutationObserver((_, o) => {
        if (document.querySelector('tr[data-run-id]')) { window.__firstRows = performance.now(); o.disconnect(); }
      }).observe(document, { subtree: true, childList: true });`);

    // First rows: from the navigation's start to the first row of the list, three loads.
    const firsts: number[] = [];
    for (let i = 0; i < 3; i++) {
      if (i === 0) await page.goto(url); else await page.reload();
      // A function, not a string: the page's CSP refuses eval.
      await page.waitForFunction(() => (globalThis as unknown as { __firstRows: number | null }).__firstRows !== null, null, { timeout: 60_000 });
      firsts.push(await page.evaluate('window.__firstRows') as number);
    }
    record({ scenario: 'window', system: 'tasklane', metric: 'first rows shown', value: Math.round(median(firsts)), unit: 'ms', target: '≤ 500 ms',
      note: `${n(RUNS)} runs; median of ${firsts.map(Math.round).join(', ')}` });
    await page.getByTestId('runs-total').waitFor();

    // Scrolling the list (its pages load as it goes): 40 wheel turns, 50 ms apart.
    let t0 = await pageNow(page);
    await page.locator('[data-testid="runs-scroll"]').hover();
    for (let i = 0; i < 40; i++) {
      await page.mouse.wheel(0, 1_200);
      await page.waitForTimeout(50);
    }
    const rows = await page.locator('tr[data-run-id]').count();
    record({ scenario: 'window', system: 'tasklane', metric: 'longest task while scrolling', value: Math.round(await longest(page, t0)), unit: 'ms', target: '≤ 50 ms',
      note: `40 wheel turns; ${rows} rows in the page at the end (virtual list)` });

    // Changes arriving: 2,000 runs a second (200 every 100 ms) while the list and header follow.
    await page.evaluate(`document.querySelector('[data-testid="runs-scroll"]').scrollTop = 0`);
    t0 = await pageNow(page);
    const batch = Array.from({ length: CHANGES_PER_SECOND / 10 }, () => ({ kind: 'shell', input: { command: 'true' }, lane: 'default' }));
    const started = performance.now();
    for (let i = 0; i < CHANGE_SECONDS * 10; i++) {
      await call('enqueueMany', { runs: batch });
      const wait = started + (i + 1) * 100 - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    const rate = (CHANGE_SECONDS * CHANGES_PER_SECOND) / ((performance.now() - started) / 1000);
    const counts = await call('counts', {}) as { total: Record<string, number> };
    const want = `${n(counts.total.queued ?? 0)} queued`;
    const exact = await page.getByTestId('count-queued').filter({ hasText: want }).waitFor({ timeout: 10_000 }).then(() => 1, () => 0);
    record({ scenario: 'window', system: 'tasklane', metric: 'longest task while 2,000 runs/s arrive', value: Math.round(await longest(page, t0)), unit: 'ms', target: '≤ 50 ms',
      note: `${n(CHANGE_SECONDS * CHANGES_PER_SECOND)} runs in ${CHANGE_SECONDS} s (${n(Math.round(rate))}/s); the header then said ${exact ? 'exactly' : 'NOT'} the engine's ${want}` });
    record({ scenario: 'window', system: 'tasklane', metric: 'header counts equal the engine\'s after the changes', value: exact, unit: '1 = yes', target: '= 1' });

    // Typing 18 characters, 50 ms apart: the searches the page asks for, and the least time between two.
    const asked: number[] = [];
    page.on('request', (r) => { if (r.url().includes('/api/search')) asked.push(performance.now()); });
    await page.getByLabel('search runs').click();
    await page.keyboard.type('rsync photos mirror', { delay: 50 });
    await page.waitForTimeout(1_000);
    const gaps = asked.slice(1).map((t, i) => t - asked[i]);
    record({ scenario: 'window', system: 'tasklane', metric: 'search requests while typing 18 characters', value: asked.length, unit: 'requests',
      note: `least time between two: ${gaps.length ? `${Math.round(Math.min(...gaps))} ms` : '(one request)'}` });
    record({ scenario: 'window', system: 'tasklane', metric: 'least time between two search requests while typing', value: gaps.length ? Math.round(Math.min(...gaps)) : 10_000, unit: 'ms', target: '≥ 150 ms' });
  } finally {
    await browser.close();
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
});

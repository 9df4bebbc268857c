// The Overview in a real browser against a real `tasklane serve`: a failure shows within a
// second of happening, the next fires list the schedules, and how it looks (screenshots).
import type { Page } from '@playwright/test';
import { call, expect, test } from './fixtures';

const failing = (name: string) => ({ kind: 'shell', input: { command: `echo "${name} broke" >&2; exit 3`, shell: true }, maxAttempts: 1, name });

test('a run that fails shows in the latest failures within a second, and opens from there', async ({ page, served }) => {
  void served;
  await page.getByRole('tab', { name: 'Overview' }).click();
  await expect(page).toHaveURL(/#overview$/);
  await expect(page.getByText('No failures.')).toBeVisible();
  // When its row comes into the page, on the page's clock (the engine's is the same machine's).
  await page.evaluate(() => {
    const w = window as unknown as { seenAt?: number };
    const seen = new MutationObserver(() => {
      if (document.querySelector('[data-testid="latest-failures"] tr[data-run-id]')) { w.seenAt = Date.now(); seen.disconnect(); }
    });
    seen.observe(document.body, { subtree: true, childList: true });
  });
  const { id } = await call<{ id: number }>(page, 'enqueue', failing('nightly export'));
  const row = page.getByTestId('latest-failures').locator(`tr[data-run-id="${id}"]`);
  await expect(row).toContainText('nightly export');
  await expect(row).toContainText('EXIT_CODE');
  const run = await call<{ status: string; finishedAt: number }>(page, 'getRun', { id });
  expect(run.status).toBe('dead');
  const seenAt = await page.evaluate(() => (window as unknown as { seenAt?: number }).seenAt);
  expect(seenAt! - run.finishedAt).toBeLessThan(1_000);
  // The lane counts it as failed, live.
  await expect(page.getByTestId('overview-lanes').locator('tr[data-lane="default"] td').nth(3)).toHaveText('1');
  // Opening it shows the run beside the Overview.
  await row.getByRole('button', { name: `open run ${id}` }).click();
  const panel = page.getByRole('complementary', { name: `run ${id}` });
  await expect(panel.locator('.status')).toHaveText('dead');
  await expect(page.getByTestId('latest-failures')).toBeVisible();
});

test('the next fires list a scheduled task on both clocks; the Overview as it looks', async ({ page, served }) => {
  void served;
  // A task on a schedule in a zone that is not this machine's, a lane with a limit, a paused lane.
  const task = await call<{ id: number }>(page, 'createTask', { name: 'backup', kind: 'shell', input: { command: 'echo backing up', shell: true }, lane: 'default' });
  await call(page, 'setSchedule', { taskId: task.id, cron: '0 3 * * *', timeZone: 'Pacific/Auckland' });
  const weekly = await call<{ id: number }>(page, 'createTask', { name: 'clean downloads', kind: 'shell', input: { command: 'true' }, lane: 'default' });
  const here = await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
  await call(page, 'setSchedule', { taskId: weekly.id, cron: '30 9 * * 1', timeZone: here });
  await call(page, 'createLane', { name: 'gpu', concurrency: 2, rateLimit: { max: 10, intervalMs: 60_000 } });
  await call(page, 'createLane', { name: 'uploads' });
  await call(page, 'pauseLane', { name: 'uploads' });
  await call(page, 'enqueueMany', { runs: [
    ...Array.from({ length: 6 }, (_, i) => ({ kind: 'shell', input: { command: 'true' }, name: `thumbnail ${i + 1}`, lane: 'gpu' })),
    failing('sync photos'), failing('send report'),
    ...Array.from({ length: 3 }, () => ({ kind: 'shell', input: { command: 'true' }, lane: 'uploads' })),
  ] });
  await call(page, 'runTask', { id: task.id });

  await page.getByRole('tab', { name: 'Overview' }).click();
  // The next 10 fires of every schedule, soonest first: the daily backup fills most of them.
  const fires = page.getByTestId('next-fires').locator('tr[data-task]');
  await expect(fires).toHaveCount(10);
  await expect(page.getByTestId('next-fires').locator('tr[data-task="clean downloads"]')).not.toHaveCount(0);
  // The weekly one is on this machine's clock: one time only.
  await expect(page.getByTestId('next-fires').locator('tr[data-task="clean downloads"] .zone')).toHaveCount(0);
  const fire = page.getByTestId('next-fires').locator('tr[data-task="backup"]').first();
  await expect(fire).toContainText('default');
  await expect(fire).toContainText('Pacific/Auckland');
  await expect(fire).toContainText(/in \d/);
  // Its time on this machine's clock, then on the schedule's.
  const next = await call<{ task: string; at: number }[]>(page, 'upcomingFires', { limit: 10 });
  const [local, there] = await page.evaluate((at) => {
    const time: Intl.DateTimeFormatOptions = { weekday: 'short', hour: '2-digit', minute: '2-digit' };
    return [new Date(at).toLocaleString(undefined, { ...time, month: 'short', day: 'numeric' }), new Date(at).toLocaleString(undefined, { ...time, timeZone: 'Pacific/Auckland' })];
  }, next.find((f) => f.task === 'backup')!.at);
  await expect(fire.locator('time')).toHaveText(local);
  await expect(fire.locator('.zone')).toHaveText(`${there} Pacific/Auckland`);
  expect(there).toMatch(/03:00/);

  await expect(page.getByTestId('latest-failures').locator('tr[data-run-id]')).toHaveCount(2);
  await expect(page.getByTestId('overview-lanes').locator('tr[data-lane="uploads"]')).toContainText('paused');
  await expect(page.getByTestId('overview-lanes').locator('tr[data-lane="uploads"] td').nth(2)).toHaveText('3');
  await expect(page.getByTestId('overview-lanes').locator('tr[data-lane="gpu"]')).toContainText('at most 10 per minute');
  await expect(page.getByTestId('chart-runs').getByRole('img')).toHaveAttribute('aria-label', /^Runs ended per hour, last 24 hours/);
  await page.getByRole('button', { name: 'Last 30 days' }).click();
  await expect(page.getByTestId('chart-runs').getByRole('img')).toHaveAttribute('aria-label', /^Runs ended per day, last 30 days/);
  await page.getByRole('button', { name: 'Last 24 hours' }).click();
  await expect(page.getByTestId('chart-runs').locator('canvas')).toHaveCount(1);
  // The view scrolls inside the window: a window tall enough shows all of it.
  await page.setViewportSize({ width: 1280, height: 1100 });
  await page.screenshot({ path: 'test-results/screens/overview.png', fullPage: true });
  await page.setViewportSize({ width: 900, height: 1500 });
  await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(900);
  await page.screenshot({ path: 'test-results/screens/overview-900.png', fullPage: true });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: 'test-results/screens/overview-dark.png', fullPage: true });
});

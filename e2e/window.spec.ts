// The window as a person uses it, in a real browser against a real `tasklane serve`.
import { expect, test } from './fixtures';

const runRow = (page: import('@playwright/test').Page, id: number) => page.locator(`tr[data-run-id="${id}"]`);

test('a command typed in the window runs, and its log arrives while it runs', async ({ page, served }) => {
  // The command waits for a file the test writes, so the first line is seen before the end.
  await page.getByLabel('command').fill(`echo started; while [ ! -f ${served.dataDir}/go ]; do sleep 0.05; done; echo finished`);
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page.getByRole('status')).toHaveText(/Run 1 is queued/);
  await runRow(page, 1).click();
  const panel = page.getByRole('complementary', { name: 'run 1' });
  await expect(panel.getByTestId('log')).toContainText('started');
  await expect(panel.locator('.status')).toHaveText('running');
  await expect(page.getByTestId('count-running')).toHaveText('1 running');
  served.cli('add', '--', 'touch', `${served.dataDir}/go`);
  await expect(panel.locator('.status')).toHaveText('succeeded');
  await expect(panel.getByTestId('log')).toContainText('finished');
  await expect(runRow(page, 2)).toContainText('touch');
});

test('a run that keeps failing lands in Dead letter, and a retry from there runs it again', async ({ page, served }) => {
  const marker = `${served.dataDir}/second-time`;
  await page.getByLabel('command').fill(`if [ -f ${marker} ]; then echo fixed; else touch ${marker}; echo "disk full" >&2; exit 3; fi`);
  await page.getByRole('button', { name: 'more options' }).click();
  await page.getByLabel('attempts').fill('1');
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page.getByRole('button', { name: /Dead letter/ })).toContainText('1');
  await page.getByRole('button', { name: /Dead letter/ }).click();
  await expect(runRow(page, 1)).toContainText('EXIT_CODE');
  await page.getByRole('button', { name: 'Retry all 1' }).click();
  await expect(page.getByText('Nothing dead.')).toBeVisible();
  await page.getByRole('button', { name: 'Runs' }).click();
  await runRow(page, 1).click();
  const panel = page.getByRole('complementary', { name: 'run 1' });
  await expect(panel.locator('.status')).toHaveText('succeeded');
  await expect(panel.getByTestId('log')).toContainText('fixed');
});

test('bad input gets a clear message and changes nothing', async ({ page, served }) => {
  await page.getByRole('button', { name: 'Lanes' }).click();
  await page.getByLabel('lane name').fill('no spaces allowed');
  await page.getByRole('button', { name: 'Add lane' }).click();
  await expect(page.getByRole('alert')).toContainText('a lane name is 1–40 letters, digits, dots, dashes or underscores');
  await expect(page.locator('tr[data-lane]')).toHaveCount(2);
  await page.getByRole('button', { name: 'Runs' }).click();
  await page.getByLabel('command').fill('echo never');
  await page.getByRole('button', { name: 'more options' }).click();
  await page.getByLabel('timeout').fill('soon');
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText('durations are a number with s, m, h or d');
  await expect(page.getByText('No runs here yet.')).toBeVisible();
  expect(JSON.parse(served.cli('ls', '--json').stdout).runs).toEqual([]);
});

test('a paused lane holds its runs until it is resumed', async ({ page, served }) => {
  await page.getByRole('button', { name: 'Lanes' }).click();
  const lane = page.locator('tr[data-lane="default"]');
  await lane.getByRole('button', { name: 'Pause' }).click();
  await expect(lane).toContainText('paused');
  served.cli('add', '--', 'echo', 'from the command line');
  await expect(lane.locator('td').nth(4)).toHaveText('1');
  // In a browser page, starting at login is `tasklane service install`'s job.
  await expect(page.getByText('tasklane service install')).toBeVisible();
  await page.screenshot({ path: 'test-results/screens/lanes.png', fullPage: true });
  await page.getByRole('button', { name: 'Runs' }).click();
  await expect(runRow(page, 1).locator('.status')).toHaveText('queued');
  // A waiting run can be held, and then released.
  await runRow(page, 1).click();
  const panel = page.getByRole('complementary', { name: 'run 1' });
  await expect(panel.getByLabel('why it is waiting')).toContainText('lane default is paused: resume it to let runs start');
  await panel.getByRole('button', { name: 'Hold' }).click();
  await expect(panel.getByLabel('why it is waiting')).toContainText('held by you: it starts only once released');
  await expect(panel.locator('.status')).toHaveText('held');
  await page.screenshot({ path: 'test-results/screens/run-held.png', fullPage: true });
  await panel.getByRole('button', { name: 'Release' }).click();
  await expect(panel.locator('.status')).toHaveText('queued');
  await page.getByRole('button', { name: 'Resume all' }).click();
  await expect(runRow(page, 1).locator('.status')).toHaveText('succeeded');
});

/** Opens Tasks and fills the new-task form (not saved). */
async function taskForm(page: import('@playwright/test').Page, task: { name: string; command: string; cron: string; zone: string }) {
  await page.getByRole('button', { name: 'Tasks' }).click();
  await page.getByLabel('task name').fill(task.name);
  await page.getByLabel('task command').fill(task.command);
  await page.getByLabel('cron').fill(task.cron);
  await page.getByLabel('time zone').fill(task.zone);
}

test('a task with a cron schedule says when it runs, and runs now on demand', async ({ page, served }) => {
  void served;
  await taskForm(page, { name: 'backup', command: 'echo backing up', cron: '0 3 * * *', zone: 'Europe/Berlin' });
  await expect(page.getByTestId('schedule-preview')).toContainText('At 03:00');
  await page.getByLabel('cron').fill('0 3 31 2 *');
  await expect(page.getByTestId('schedule-preview')).toContainText('never');
  await page.getByLabel('cron').fill('0 3 * * *');
  await page.getByRole('button', { name: 'Save task' }).click();
  const row = page.locator('tr[data-task="backup"]');
  await expect(row).toContainText('At 03:00');
  await row.getByRole('button', { name: 'Run now' }).click();
  await page.getByRole('button', { name: 'Runs' }).click();
  await expect(runRow(page, 1).locator('.status')).toHaveText('succeeded');
  await runRow(page, 1).click();
  await expect(page.getByRole('complementary', { name: 'run 1' })).toContainText('by the window');
});

test('a schedule whose time the clock skips says when it runs instead', async ({ page, served }) => {
  void served;
  // 28 March 2027 is the day Berlin's clocks jump from 02:00 to 03:00.
  await taskForm(page, { name: 'spring', command: 'echo spring', cron: '30 2 28 3 *', zone: 'Europe/Berlin' });
  await expect(page.getByTestId('schedule-preview')).toContainText('03:00, for 02:30, which does not exist that day');
  await page.screenshot({ path: 'test-results/screens/tasks-dst.png', fullPage: true });
});

test('a page opened without the token says how to get in', async ({ browser, served }) => {
  const page = await browser.newPage();
  await page.goto(served.url.split('#')[0]);
  await expect(page.getByRole('alert')).toContainText('Open the address `tasklane serve` printed');
  await page.close();
});

test('a burst of runs from outside: the header, the list and Dead letter end exactly where the engine does', async ({ page, served }) => {
  // 120 runs that succeed and 30 that fail at once, in one call from outside the window.
  const runs = [
    ...Array.from({ length: 120 }, () => ({ kind: 'shell', input: { command: 'true' }, lane: 'default' })),
    ...Array.from({ length: 30 }, () => ({ kind: 'shell', input: { command: 'exit 3', shell: true }, maxAttempts: 1 })),
  ];
  const answer = await page.evaluate(async (body) => {
    const res = await fetch('/api/enqueueMany', { method: 'POST', body: JSON.stringify(body),
      headers: { authorization: `Bearer ${sessionStorage.getItem('tasklane.token')}`, 'content-type': 'application/json' } });
    return res.json() as Promise<{ ok: boolean }>;
  }, { runs });
  expect(answer.ok).toBe(true);
  await expect(page.getByRole('button', { name: /Dead letter/ })).toContainText('30', { timeout: 60_000 });
  await expect(page.getByTestId('count-queued')).toHaveText('0 queued');
  await expect(page.getByTestId('count-running')).toHaveText('0 running');
  await expect(page.locator('tr[data-run-id]')).toHaveCount(150);
  await expect(page.locator('tr[data-run-id] .status', { hasText: 'succeeded' })).toHaveCount(120);
  await page.screenshot({ path: 'test-results/screens/runs.png', fullPage: true });
  await page.getByRole('button', { name: /Dead letter/ }).click();
  await expect(page.locator('tr[data-run-id]')).toHaveCount(30);
  await page.screenshot({ path: 'test-results/screens/dead-letter.png', fullPage: true });
  // The window's numbers are the engine's, read afresh.
  const { runs: listed } = JSON.parse(served.cli('ls', '--json', '--limit', '500').stdout) as { runs: { status: string }[] };
  expect(listed.filter((r) => r.status === 'dead')).toHaveLength(30);
  expect(listed.filter((r) => r.status === 'succeeded')).toHaveLength(120);
});

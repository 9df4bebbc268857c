// The window as a person uses it, in a real browser against a real `tasklane serve`.
import { callApi, expect, test } from './fixtures';

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
  await expect(page.getByRole('tab', { name: /Dead letter/ })).toContainText('1');
  await page.getByRole('tab', { name: /Dead letter/ }).click();
  await expect(runRow(page, 1)).toContainText('EXIT_CODE');
  // "All" is every dead or failed run, not only those shown: the window says how many first.
  page.once('dialog', (d) => { expect(d.message()).toBe('Retry all 1 dead or failed runs?'); void d.accept(); });
  await page.getByRole('button', { name: 'Retry all 1' }).click();
  await expect(page.getByText('Nothing dead.')).toBeVisible();
  await page.getByRole('tab', { name: 'Runs' }).click();
  await runRow(page, 1).click();
  const panel = page.getByRole('complementary', { name: 'run 1' });
  await expect(panel.locator('.status')).toHaveText('succeeded');
  await expect(panel.getByTestId('log')).toContainText('fixed');
});

test('bad input gets a clear message and changes nothing', async ({ page, served }) => {
  await page.getByRole('tab', { name: 'Lanes' }).click();
  await page.getByLabel('lane name').fill('no spaces allowed');
  await page.getByRole('button', { name: 'Add lane' }).click();
  await expect(page.getByRole('alert')).toContainText('a lane name is 1–40 letters, digits, dots, dashes or underscores');
  await expect(page.locator('tr[data-lane]')).toHaveCount(2);
  await page.getByRole('tab', { name: 'Runs' }).click();
  await page.getByLabel('command').fill('echo never');
  await page.getByRole('button', { name: 'more options' }).click();
  await page.getByLabel('timeout').fill('soon');
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  // Said under the field it is about.
  await expect(page.locator('label.option', { hasText: 'time limit' }).getByRole('alert')).toHaveText('a duration, e.g. 30s, 10m, 2h, 1d');
  await expect(page.getByText('No runs here yet.')).toBeVisible();
  expect(JSON.parse(served.cli('ls', '--json').stdout).runs).toEqual([]);
});

test('a paused lane holds its runs until it is resumed', async ({ page, served }) => {
  await page.getByRole('tab', { name: 'Lanes' }).click();
  const lane = page.locator('tr[data-lane="default"]');
  await lane.getByRole('button', { name: 'Pause' }).click();
  await expect(lane).toContainText('paused');
  served.cli('add', '--', 'echo', 'from the command line');
  await expect(lane.locator('td').nth(5)).toHaveText('1');
  // In a browser page, starting at login is `tasklane service install`'s job.
  await expect(page.getByText('tasklane service install')).toBeVisible();
  await page.screenshot({ path: 'test-results/screens/lanes.png', fullPage: true });
  await page.getByRole('tab', { name: 'Runs' }).click();
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
  await page.getByRole('tab', { name: 'Tasks' }).click();
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
  await page.getByRole('tab', { name: 'Runs' }).click();
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
  await expect(page.getByRole('tab', { name: /Dead letter/ })).toContainText('30', { timeout: 60_000 });
  await expect(page.getByTestId('count-queued')).toHaveText('0 queued');
  await expect(page.getByTestId('count-running')).toHaveText('0 running');
  // The list is virtualised (only the rows in view are in the page): its total says what it holds.
  await expect(page.getByTestId('runs-total')).toHaveText('150 runs');
  await page.getByRole('button', { name: 'Succeeded', exact: true }).click();
  await expect(page.getByTestId('runs-total')).toHaveText('120 runs');
  await page.getByRole('button', { name: 'All', exact: true }).click();
  await expect(page.getByTestId('runs-total')).toHaveText('150 runs');
  await page.screenshot({ path: 'test-results/screens/runs.png', fullPage: true });
  await page.getByRole('tab', { name: /Dead letter/ }).click();
  await expect(page.locator('tr[data-run-id]')).toHaveCount(30);
  await page.screenshot({ path: 'test-results/screens/dead-letter.png', fullPage: true });
  // The window's numbers are the engine's, read afresh.
  const { runs: listed } = JSON.parse(served.cli('ls', '--json', '--limit', '500').stdout) as { runs: { status: string }[] };
  expect(listed.filter((r) => r.status === 'dead')).toHaveLength(30);
  expect(listed.filter((r) => r.status === 'succeeded')).toHaveLength(120);
});

/** A command called from the page, as another client would (the page's token). */
test('5,000 runs: the header counts them all, scrolling the list reaches the first, and so does a filter', async ({ page, served }) => {
  void served;
  // Run 1 goes to a lane of its own and succeeds; the 4,999 after it wait in the paused default lane.
  expect((await callApi(page, 'createLane', { name: 'side' })).ok).toBe(true);
  expect((await callApi(page, 'pauseLane', { name: 'default' })).ok).toBe(true);
  const runs = [
    { kind: 'shell', input: { command: 'true' }, lane: 'side', name: 'the first' },
    ...Array.from({ length: 4_999 }, () => ({ kind: 'shell', input: { command: 'true' } })),
  ];
  expect((await callApi(page, 'enqueueMany', { runs })).ok).toBe(true);
  const total = page.getByTestId('runs-total');
  await expect(total).toHaveText('5,000 runs');
  await expect(runRow(page, 5_000)).toBeVisible();
  await expect(page.locator('tr[data-run-id]')).not.toHaveCount(200); // only the rows in view
  // Each scroll to the end reads the next page, until the first run.
  const list = page.getByTestId('runs-scroll');
  for (let i = 0; i < 300 && !(await runRow(page, 1).isVisible()); i++) {
    await list.evaluate((el) => { el.scrollTop = el.scrollHeight; });
    await page.waitForTimeout(100);
  }
  await expect(runRow(page, 1)).toBeVisible();
  await expect(runRow(page, 1)).toContainText('the first');
  await expect(runRow(page, 1).locator('.status')).toHaveText('succeeded');
  await expect(runRow(page, 2).locator('.status')).toHaveText('queued');
  await page.screenshot({ path: 'test-results/screens/runs-5000.png', fullPage: true });
  // A filter reaches it on its first page.
  await page.getByRole('button', { name: 'Succeeded', exact: true }).click();
  await expect(total).toHaveText('1 run');
  await expect(runRow(page, 1).locator('.status')).toHaveText('succeeded');
  await page.getByRole('button', { name: 'All', exact: true }).click();
  await page.getByLabel('lane filter').selectOption('side');
  await expect(total).toHaveText('1 run');
  await page.getByLabel('lane filter').selectOption('');
  // The created range: today holds them all, a range that ended yesterday none.
  const [today, yesterday] = await page.evaluate(() => {
    const day = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    const now = new Date();
    return [day(now), day(new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1))];
  });
  await page.getByLabel('created from').fill(today);
  await page.getByLabel('created to').fill(today);
  await expect(total).toHaveText('5,000 runs');
  await page.getByLabel('created from').fill(yesterday);
  await page.getByLabel('created to').fill(yesterday);
  await expect(total).toHaveText('0 runs');
  await expect(page.getByText('No runs match these filters.')).toBeVisible();
});

test('a filter set in the window survives a reload: the address holds it', async ({ page, served }) => {
  served.cli('add', '--', 'echo', 'one');
  await expect(page.getByTestId('runs-total')).toHaveText('1 run');
  await page.getByRole('button', { name: 'Running', exact: true }).click();
  await page.getByLabel('lane filter').selectOption('default');
  await page.getByLabel('kind filter').selectOption('shell');
  await page.getByLabel('created from').fill('2026-01-01');
  await page.getByLabel('search runs').fill('backup');
  await expect(page).toHaveURL(/#runs\?status=running&lane=default&kind=shell&from=2026-01-01&q=backup$/);
  await expect(page.getByTestId('runs-total')).toHaveText('0 runs');
  await page.reload();
  await expect(page.getByText('● live')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Running', exact: true })).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByLabel('lane filter')).toHaveValue('default');
  await expect(page.getByLabel('kind filter')).toHaveValue('shell');
  await expect(page.getByLabel('created from')).toHaveValue('2026-01-01');
  await expect(page.getByLabel('search runs')).toHaveValue('backup');
  await expect(page.getByTestId('runs-total')).toHaveText('0 runs');
  // Back to every run: the address says so too.
  await page.getByRole('button', { name: 'All', exact: true }).click();
  await page.getByLabel('search runs').fill('');
  await page.getByLabel('lane filter').selectOption('');
  await page.getByLabel('kind filter').selectOption('');
  await page.getByLabel('created from').fill('');
  await expect(page).toHaveURL(/#runs$/);
  await expect(page.getByTestId('runs-total')).toHaveText('1 run');
});

test('a short window scrolls to the list\'s last rows; the rows are numbered for assistive tech and the total is said once per filter', async ({ page, served }) => {
  void served;
  await page.setViewportSize({ width: 900, height: 380 });
  expect((await callApi(page, 'pauseLane', { name: 'default' })).ok).toBe(true);
  const runs = Array.from({ length: 300 }, () => ({ kind: 'shell', input: { command: 'true' } }));
  expect((await callApi(page, 'enqueueMany', { runs })).ok).toBe(true);
  const total = page.getByTestId('runs-total');
  await expect(total).toHaveText('300 runs');
  const table = page.locator('table.runs');
  await expect(table).toHaveAttribute('aria-rowcount', '301');
  await expect(runRow(page, 300)).toHaveAttribute('aria-rowindex', '2');
  // A run added at the top: every row's place moves by one.
  expect((await callApi(page, 'enqueue', { kind: 'shell', input: { command: 'true' } })).ok).toBe(true);
  await expect(total).toHaveText('301 runs');
  await expect(table).toHaveAttribute('aria-rowcount', '302');
  await expect(runRow(page, 301)).toHaveAttribute('aria-rowindex', '2');
  await expect(runRow(page, 300)).toHaveAttribute('aria-rowindex', '3');
  await expect(runRow(page, 299)).toHaveAttribute('data-index', '2');
  // The live region speaks when the filter changes, not when runs come and go.
  const said = page.getByTestId('runs-said');
  await expect(said).toHaveText('');
  await page.getByRole('button', { name: 'Running', exact: true }).click();
  await expect(said).toHaveText('0 runs');
  await page.getByRole('button', { name: 'All', exact: true }).click();
  await expect(said).toHaveText('301 runs');
  expect((await callApi(page, 'enqueue', { kind: 'shell', input: { command: 'true' } })).ok).toBe(true);
  await expect(total).toHaveText('302 runs');
  await expect(said).toHaveText('301 runs');
  // The window is too short for the form, the filters and the list: the view scrolls, so the
  // list's bottom (and with it its last rows) comes into the window.
  await page.getByLabel('command').hover();
  await page.mouse.wheel(0, 2_000);
  await expect.poll(async () => {
    const box = await page.getByTestId('runs-scroll').boundingBox();
    return box ? Math.round(box.y + box.height) <= 380 : false;
  }).toBe(true);
  const list = page.getByTestId('runs-scroll');
  for (let i = 0; i < 50 && !(await runRow(page, 1).isVisible()); i++) {
    await list.evaluate((el) => { el.scrollTop = el.scrollHeight; });
    await page.waitForTimeout(100);
  }
  await expect(runRow(page, 1)).toBeInViewport();
  await expect(runRow(page, 1)).toHaveAttribute('aria-rowindex', '303');
});

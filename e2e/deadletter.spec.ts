// Acting on many runs, in a real browser against a real `tasklane serve`: Dead letter's
// discard can be taken back for a few seconds (Undo keeps the run; without it the run and its
// log are gone); the Runs view's "all matching" acts on every run a filter matches, after
// saying how many.
import { expect, test } from './fixtures';

test('discard waits with Undo: undone, the run stays; not undone, it goes', async ({ page, served }) => {
  for (const word of ['one', 'two']) expect(served.cli('add', '--attempts', '1', '--', 'sh', '-c', `echo ${word}; exit 1`).status).toBe(0);
  await page.getByRole('tab', { name: /^Dead letter/ }).click();
  const row = (id: number) => page.locator(`tr[data-run-id="${id}"]`);
  await expect(row(2)).toBeVisible();
  // The page's clock, moved by the test: the undo window passes without waiting for it.
  await page.clock.install();

  await page.getByLabel('select run 1').check();
  await page.getByRole('button', { name: 'Discard 1 selected' }).click();
  const banner = page.getByRole('status').filter({ hasText: 'Discarding run 1' });
  await expect(banner).toBeVisible();
  await page.screenshot({ path: 'test-results/screens/dead-letter-undo.png', fullPage: true });
  await banner.getByRole('button', { name: 'Undo' }).click();
  await expect(banner).toBeHidden();
  await page.clock.runFor(6_000); // past the undo window: nothing was sent
  await expect(row(1)).toBeVisible();
  expect(served.cli('show', '1').status).toBe(0);

  await page.getByLabel('select run 2').check();
  await page.getByRole('button', { name: 'Discard 1 selected' }).click();
  await page.clock.runFor(6_000);
  await expect(row(2)).toBeHidden();
  expect(served.cli('show', '2').status).toBe(4);
  await expect(row(1)).toBeVisible();
});

test('retry all runs matching a filter: the count is said first, and only those runs go again', async ({ page, served }) => {
  expect(served.cli('lane', 'add', 'nightly').status).toBe(0);
  for (let i = 0; i < 3; i++) expect(served.cli('add', '--lane', 'nightly', '--attempts', '1', '--', 'sh', '-c', 'exit 1').status).toBe(0);
  expect(served.cli('add', '--attempts', '1', '--', 'sh', '-c', 'exit 1').status).toBe(0);
  await expect(page.locator('tr[data-run-id="4"] .status')).toHaveText('dead');
  await page.getByLabel('lane filter').selectOption('nightly');
  await page.getByRole('button', { name: 'Dead or failed' }).click();
  await expect(page.getByTestId('runs-total')).toHaveText('3 runs');
  page.once('dialog', (d) => { expect(d.message()).toBe('Retry all 3 runs matching this filter? Those it does not apply to are left as they are.'); void d.accept(); });
  await page.getByRole('group', { name: 'all matching' }).getByRole('button', { name: 'Retry all 3' }).click();
  await expect(page.locator('.notice')).toContainText('3 queued again');
  // Each of the three ran again (a second attempt); run 4, in another lane, did not.
  const attempts = (id: number) => (JSON.parse(served.cli('show', String(id), '--json').stdout) as { attempts: unknown[] }).attempts.length;
  await expect.poll(() => [1, 2, 3].map(attempts), { timeout: 15_000 }).toEqual([2, 2, 2]);
  expect(attempts(4)).toBe(1);
});

test('discard all runs matching a filter waits with Undo too: undone, they stay; not undone, they go', async ({ page, served }) => {
  for (let i = 0; i < 2; i++) expect(served.cli('add', '--attempts', '1', '--', 'sh', '-c', 'exit 1').status).toBe(0);
  await expect(page.locator('tr[data-run-id="2"] .status')).toHaveText('dead');
  // The page's clock, moved by the test: the undo window passes without waiting for it.
  await page.clock.install();
  await page.getByRole('button', { name: 'Dead or failed' }).click();
  const all = page.getByRole('group', { name: 'all matching' });
  page.once('dialog', (d) => { expect(d.message()).toBe('Discard (delete, with their logs) all 2 runs matching this filter? Those it does not apply to are left as they are.'); void d.accept(); });
  await all.getByRole('button', { name: 'Discard all 2' }).click();
  const banner = page.getByRole('status').filter({ hasText: 'Discarding all 2 runs matching this filter' });
  await banner.getByRole('button', { name: 'Undo' }).click();
  await expect(banner).toBeHidden();
  await page.clock.runFor(6_000);
  expect(served.cli('show', '1').status).toBe(0);
  expect(served.cli('show', '2').status).toBe(0);

  page.once('dialog', (d) => void d.accept());
  await all.getByRole('button', { name: 'Discard all 2' }).click();
  await expect(banner).toBeVisible();
  await page.clock.runFor(6_000);
  await expect(page.locator('.notice')).toContainText('2 discarded');
  expect(served.cli('show', '1').status).toBe(4);
  expect(served.cli('show', '2').status).toBe(4);
});

test('runs ticked in the Runs list: each action (hold, release, cancel, retry…) says how many of them it applies to, and acts on those only', async ({ page, served }) => {
  for (const args of [['--attempts', '1', '--', 'sh', '-c', 'exit 1'], ['--attempts', '1', '--', 'sh', '-c', 'exit 1'], ['--delay', '1h', '--', 'true']]) {
    expect(served.cli('add', ...args).status).toBe(0);
  }
  await expect(page.locator('tr[data-run-id="2"] .status')).toHaveText('dead');
  for (const id of [1, 2, 3]) await page.getByLabel(`select run ${id}`).check();
  const ticked = page.getByRole('group', { name: 'selected runs' });
  await expect(ticked).toContainText('3 selected');
  await expect(ticked.getByRole('button', { name: 'Cancel 1' })).toBeEnabled();
  await expect(ticked.getByRole('button', { name: 'Retry 2' })).toBeEnabled();
  // The waiting one can be held, then released (the actions for waiting runs show with one ticked).
  await expect(ticked.getByRole('button', { name: 'Release' })).toHaveCount(0);
  await ticked.getByRole('button', { name: 'Hold 1' }).click();
  await expect(page.locator('tr[data-run-id="3"] .status')).toHaveText('held');
  await page.getByLabel('select run 3').check();
  await ticked.getByRole('button', { name: 'Release 1' }).click();
  await expect(page.locator('tr[data-run-id="3"] .status')).toHaveText('scheduled');
  for (const id of [1, 2, 3]) await page.getByLabel(`select run ${id}`).check();
  await ticked.getByRole('button', { name: 'Cancel 1' }).click();
  await expect(page.locator('.notice')).toContainText('run 3 cancelled');
  await expect(ticked).toHaveCount(0);
  await expect(page.locator('tr[data-run-id="3"] .status')).toHaveText('cancelled');
  await expect(page.locator('tr[data-run-id="1"] .status')).toHaveText('dead');
  await page.screenshot({ path: 'test-results/screens/runs-selected.png', fullPage: true });
});

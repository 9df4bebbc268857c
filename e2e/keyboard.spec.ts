// The window by keyboard alone, in a real browser against a real `tasklane serve`: Tab reaches
// the list's row, j and k walk the runs (each opens and takes the focus), r retries a dead
// one, Esc closes it, / goes to the search box; keys typed in a field stay in the field.
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from './fixtures';

test('keyboard only: walk the runs, retry a dead one, close it, search', async ({ page, served }) => {
  // The dead run's notice would take the notice line from the confirmations this test reads.
  expect(served.cli('notices', 'set', '--dead', 'off', '--failed', 'off').status).toBe(0);
  for (const args of [['--', 'echo', 'first'], ['--attempts', '1', '--', 'sh', '-c', 'echo broken; exit 2'], ['--', 'echo', 'third']]) {
    expect(served.cli('add', ...args).status).toBe(0);
  }
  await expect(page.locator('tr[data-run-id="2"] .status')).toHaveText('dead');
  await expect(page.locator('tr[data-run-id="3"] .status')).toHaveText('succeeded');

  // Newest first: j opens run 3, then run 2; k goes back to 3; j again to 2.
  await page.keyboard.press('j');
  await expect(page.getByRole('complementary', { name: 'run 3' })).toBeVisible();
  await expect(page.locator('tr[data-run-id="3"]')).toBeFocused();
  await page.keyboard.press('j');
  const panel = page.getByRole('complementary', { name: 'run 2' });
  await expect(panel).toBeVisible();
  await expect(page.locator('tr[data-run-id="2"]')).toBeFocused();
  await page.keyboard.press('k');
  await expect(page.getByRole('complementary', { name: 'run 3' })).toBeVisible();
  await page.keyboard.press('ArrowDown');
  await expect(panel).toBeVisible();
  await page.screenshot({ path: 'test-results/screens/keyboard.png', fullPage: true });

  // r retries the open dead run (it runs again and goes dead again: its attempts go on).
  await page.keyboard.press('r');
  await expect(page.locator('.notice')).toContainText('Run 2 queued again');
  await expect(panel.locator('.attempts tbody tr')).toHaveCount(2);
  // Esc closes the run; Tab and Enter open one again from the list.
  await page.keyboard.press('Escape');
  await expect(panel).toBeHidden();
  await page.locator('tr[data-run-id="1"]').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('complementary', { name: 'run 1' })).toBeVisible();

  // / goes to the search box; what is typed there stays there (j does not move the list).
  await page.keyboard.press('/');
  const box = page.getByLabel('search runs');
  await expect(box).toBeFocused();
  await page.keyboard.type('broken j');
  await expect(box).toHaveValue('broken j');
  await expect(page.getByRole('complementary', { name: 'run 1' })).toBeVisible();
});

test('the views are ARIA tabs: one tab stop, the arrows move between them', async ({ page, served }) => {
  void served;
  const runs = page.getByRole('tab', { name: 'Runs' });
  await expect(runs).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('tabpanel')).toHaveAttribute('aria-labelledby', 'tab-runs');
  await runs.focus();
  await page.keyboard.press('ArrowRight');
  const dead = page.getByRole('tab', { name: /^Dead letter/ });
  await expect(dead).toBeFocused();
  await expect(dead).toHaveAttribute('aria-selected', 'true');
  await expect(runs).toHaveAttribute('tabindex', '-1');
  await page.keyboard.press('End');
  await expect(page.getByRole('tab', { name: 'Inbox' })).toBeFocused();
  await expect(page.getByRole('group', { name: 'which messages' })).toBeVisible();
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByRole('tab', { name: 'Tasks' })).toBeFocused();
  await expect(page.getByRole('form', { name: 'new task' })).toBeVisible();
  await page.keyboard.press('Home');
  await expect(page.getByRole('tab', { name: 'Overview' })).toHaveAttribute('aria-selected', 'true');
});

test('the command palette: Ctrl-K, a few letters and Enter go anywhere, open a run or a task, run a task', async ({ page, served }) => {
  expect(served.cli('task', 'add', 'backup', '--', 'echo', 'backing up').status).toBe(0);
  expect(served.cli('add', '--', 'echo', 'hello').status).toBe(0);
  await expect(page.locator('tr[data-run-id="1"] .status')).toHaveText('succeeded');
  const palette = page.getByRole('dialog');

  // Go to a view by name.
  await page.keyboard.press('Control+k');
  await expect(palette.getByRole('combobox', { name: 'Command palette' })).toBeFocused();
  await page.keyboard.type('dead let');
  await page.screenshot({ path: 'test-results/screens/palette.png' });
  const { violations } = await new AxeBuilder({ page }).include('[role=dialog]').withTags(['wcag2a', 'wcag2aa']).analyze();
  expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
  await page.keyboard.press('Enter');
  await expect(palette).toHaveCount(0);
  await expect(page.getByRole('tab', { name: /Dead letter/ })).toHaveAttribute('aria-selected', 'true');

  // A number opens that run.
  await page.keyboard.press('Control+k');
  await page.keyboard.type('1');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('complementary', { name: 'run 1' })).toBeVisible();
  await page.keyboard.press('Escape');

  // A task: run it now, then open its page.
  await page.keyboard.press('Control+k');
  await page.keyboard.type('run task backup');
  await page.keyboard.press('Enter');
  await expect(page.locator('.notice')).toContainText('Task backup queued');
  await page.keyboard.press('Control+k');
  await page.keyboard.type('open task backup');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('article', { name: /backup/ })).toBeVisible();
  await expect(page.getByTestId('task-last-run')).toContainText('run 2');

  // Any other text searches the runs; Escape closes without doing anything.
  await page.keyboard.press('Control+k');
  await page.keyboard.type('hello');
  await expect(palette.getByRole('option', { name: 'Search runs for “hello”' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(palette).toHaveCount(0);
  await expect(page.getByRole('tab', { name: 'Tasks' })).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Control+k');
  await page.keyboard.type('hello');
  await palette.getByRole('option', { name: 'Search runs for “hello”' }).click();
  await expect(page.getByLabel('search runs')).toHaveValue('hello');
  await expect(page.locator('[data-run-id="1"]').first()).toBeVisible();
});

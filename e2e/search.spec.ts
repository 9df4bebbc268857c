// The Runs view's search box, in a real browser against a real `tasklane serve`: it finds a
// run by a word of its log or of its command (the engine's full-text search), marks the word,
// opens the run at the line that matched, and the run's log has a search of its own.
import { expect, test, type Served } from './fixtures';
import type { Page } from '@playwright/test';

const runRow = (page: Page, id: number) => page.locator(`tr[data-run-id="${id}"]`);

/** Adds a shell run from the command line and waits until it has ended in the list. */
async function ran(page: Page, served: Served, id: number, script: string) {
  const r = served.cli('add', '--', 'sh', '-c', script);
  expect(r.status, r.stderr).toBe(0);
  await expect(runRow(page, id).locator('.status')).toHaveText('succeeded');
}

test('a word of a run\'s output finds it: the line is marked, and the hit opens the run at that line', async ({ page, served }) => {
  // The word is made by the shell, so only the output holds it whole, not the command.
  await ran(page, served, 1, 'echo preparing; echo copying files; w=peri; echo "found a ${w}winkle in the garden"; echo done');
  await ran(page, served, 2, 'echo nothing to see here');
  const box = page.getByLabel('search runs');
  await box.fill('periwink'); // the last word may be the start of one
  await expect(page).toHaveURL(/#runs\?q=periwink$/);
  const results = page.getByTestId('search-results');
  const hit = results.locator('tr[data-run-id="1"]');
  await expect(hit.getByTestId('snippet')).toContainText('log line 3:');
  await expect(hit.locator('mark')).toHaveText('periwinkle');
  await expect(hit.getByTestId('snippet')).toContainText('found a periwinkle in the garden');
  await expect(results.locator('tr[data-run-id]')).toHaveCount(1);
  await expect(page.getByTestId('runs-total')).toHaveText('1 run');
  await page.screenshot({ path: 'test-results/screens/search.png', fullPage: true });

  await hit.click();
  const panel = page.getByRole('complementary', { name: 'run 1' });
  await expect(panel.locator('.status')).toHaveText('succeeded');
  await expect(panel.locator('.log .line.focus')).toHaveText('found a periwinkle in the garden');
  await expect(panel.locator('.log .line.focus')).toBeInViewport();
  await page.screenshot({ path: 'test-results/screens/search-open.png', fullPage: true });

  // The log's own search: every line holding the text, Enter goes from one to the next.
  const inLog = panel.getByLabel('search in log');
  await inLog.fill('ing');
  await expect(panel.getByTestId('log-found')).toHaveText('2 lines');
  await inLog.press('Enter');
  await expect(panel.getByTestId('log-found')).toHaveText('1 of 2');
  await expect(panel.locator('.log .line.current')).toHaveText('preparing');
  await inLog.press('Enter');
  await expect(panel.locator('.log .line.current')).toHaveText('copying files');
  await expect(panel.locator('.log .line.current mark')).toHaveText('ing');
  await panel.getByLabel('only these lines').check();
  await expect(panel.locator('.log .line')).toHaveCount(2);
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: 'test-results/screens/search-dark.png', fullPage: true });
  await page.emulateMedia({ colorScheme: 'light' });

  // Cleared, the box gives the list back, every run in it.
  await box.fill('');
  await expect(page).toHaveURL(/#runs$/);
  await expect(page.getByTestId('runs-total')).toHaveText('2 runs');
  await expect(page.getByTestId('runs-scroll').locator('tr[data-run-id]')).toHaveCount(2);
});

test('a word of a command finds its run, with the other filters, and the address keeps the search', async ({ page, served }) => {
  await ran(page, served, 1, ': tune the xylophone; echo tuned');
  await ran(page, served, 2, 'echo a xylophone is loud');
  await ran(page, served, 3, 'echo unrelated');
  const box = page.getByLabel('search runs');
  await box.fill('xylophone');
  const results = page.getByTestId('search-results');
  await expect(results.locator('tr[data-run-id]')).toHaveCount(2);
  // Run 1 by its command (no line number), run 2 by its command or its log.
  await expect(results.locator('tr[data-run-id="1"]').getByTestId('snippet')).not.toContainText('log line');
  await expect(results.locator('tr[data-run-id="1"] mark')).toHaveText('xylophone');
  await expect(results.locator('tr[data-run-id="3"]')).toHaveCount(0);
  await page.screenshot({ path: 'test-results/screens/search-command.png', fullPage: true });

  // Newest first, then by the other filters: a status no hit has leaves none.
  await page.getByLabel('search order').selectOption('newest');
  await expect(page).toHaveURL(/#runs\?q=xylophone&order=newest$/);
  await expect(results.locator('tr[data-run-id]').first()).toHaveAttribute('data-run-id', '2');
  await page.getByRole('button', { name: 'Running', exact: true }).click();
  await expect(page.getByText('No runs match “xylophone” with these filters.')).toBeVisible();
  await expect(page.getByTestId('runs-total')).toHaveText('0 runs');
  await page.getByRole('button', { name: 'All', exact: true }).click();
  await expect(results.locator('tr[data-run-id]')).toHaveCount(2);

  // The search is in the address: a reload shows it again.
  await page.reload();
  await expect(page.getByText('● live')).toBeVisible();
  await expect(page.getByLabel('search runs')).toHaveValue('xylophone');
  await expect(page.getByLabel('search order')).toHaveValue('newest');
  await expect(page.getByTestId('search-results').locator('tr[data-run-id]')).toHaveCount(2);

  // Plain words never fail, whatever their punctuation; the query syntax says what is wrong.
  await page.getByLabel('search runs').fill('xylophone (');
  await expect(page.getByTestId('search-results').locator('tr[data-run-id]')).toHaveCount(2);
  await expect(page.locator('#search-error')).toHaveCount(0);
  await page.getByLabel('AND / OR / NOT').check();
  await expect(page.locator('#search-error')).toContainText('not valid FTS5 syntax');
  await expect(page.getByLabel('search runs')).toHaveAttribute('aria-invalid', 'true');
  await page.screenshot({ path: 'test-results/screens/search-error.png' });
  await page.getByLabel('search runs').fill('xylophone NOT loud');
  await expect(page.locator('#search-error')).toHaveCount(0);
  await expect(page.getByTestId('search-results').locator('tr[data-run-id]')).toHaveCount(1);
  await expect(page.getByTestId('search-results').locator('tr[data-run-id="1"]')).toBeVisible();
});

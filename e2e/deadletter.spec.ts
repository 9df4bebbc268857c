// Dead letter's discard can be taken back for a few seconds, in a real browser against a
// real `tasklane serve`: Undo keeps the run; without it the run and its log are gone.
import { expect, test } from './fixtures';

test('discard waits with Undo: undone, the run stays; not undone, it goes', async ({ page, served }) => {
  for (const word of ['one', 'two']) expect(served.cli('add', '--attempts', '1', '--', 'sh', '-c', `echo ${word}; exit 1`).status).toBe(0);
  await page.getByRole('tab', { name: /^Dead letter/ }).click();
  const row = (id: number) => page.locator(`tr[data-run-id="${id}"]`);
  await expect(row(2)).toBeVisible();

  await page.getByLabel('select run 1').check();
  await page.getByRole('button', { name: 'Discard 1 selected' }).click();
  const banner = page.getByRole('status').filter({ hasText: 'Discarding run 1' });
  await expect(banner).toBeVisible();
  await page.screenshot({ path: 'test-results/screens/dead-letter-undo.png', fullPage: true });
  await banner.getByRole('button', { name: 'Undo' }).click();
  await expect(banner).toBeHidden();
  await page.waitForTimeout(6_000); // past the undo window: nothing was sent
  await expect(row(1)).toBeVisible();
  expect(served.cli('show', '1').status).toBe(0);

  await page.getByLabel('select run 2').check();
  await page.getByRole('button', { name: 'Discard 1 selected' }).click();
  await expect(row(2)).toBeHidden({ timeout: 10_000 });
  expect(served.cli('show', '2').status).toBe(4);
  await expect(row(1)).toBeVisible();
});

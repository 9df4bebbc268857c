// A file a run kept (a line `::artifact <path>` in its output), in a real browser against a
// real `tasklane serve`: listed in the run's panel, and downloaded from there as it was kept.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from './fixtures';

test("a run's kept file is listed in its panel and downloads as it was kept", async ({ page, served }) => {
  const work = mkdtempSync(join(tmpdir(), 'tasklane-e2e-files-'));
  const add = served.cli('add', '--cwd', work, '--name', 'report', '--', 'sh', '-c', "printf 'runs: 12\\nfailed: 1\\n' > report.txt; echo '::artifact report.txt'");
  expect(add.status, add.stderr).toBe(0);
  await expect(page.locator('tr[data-run-id="1"] .status')).toHaveText('succeeded');
  await page.locator('tr[data-run-id="1"]').click();
  const files = page.getByRole('region', { name: 'Files it kept' });
  await expect(files).toContainText('report.txt');
  await expect(files).toContainText('19 B');
  const [download] = await Promise.all([page.waitForEvent('download'), files.getByRole('button', { name: 'report.txt' }).click()]);
  expect(download.suggestedFilename()).toBe('report.txt');
  expect(readFileSync((await download.path())!, 'utf8')).toBe('runs: 12\nfailed: 1\n');
  await page.screenshot({ path: 'test-results/screens/run-files.png', fullPage: true });
  // Without the token, the file is not served.
  const res = await page.request.get(new URL('/files/1/report.txt', served.url).toString());
  expect(res.status()).toBe(401);
});

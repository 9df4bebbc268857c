// The run's log in a real browser against a real `tasklane serve`: a run that failed, was
// retried and succeeded shows its lines under each attempt (numbered on, with how it ended),
// its ANSI colours as coloured text (no escape codes left), times on request, and the log
// downloads as a text file.
import { readFileSync } from 'node:fs';
import { expect, test } from './fixtures';

test('the log by attempt, in colour, with times, and as a file', async ({ page, served }) => {
  // Attempt 1 fails (red error), attempt 2 (retried by hand) succeeds in green.
  const flag = `${served.dataDir}/second-time`;
  const script = `if [ -e ${flag} ]; then printf '\\033[32mok\\033[0m: second time\\n'; else touch ${flag}; printf '\\033[1;31merror\\033[0m: first time\\n'; exit 3; fi`;
  const add = served.cli('add', '--attempts', '1', '--', 'sh', '-c', script);
  expect(add.status, add.stderr).toBe(0);
  const row = page.locator('tr[data-run-id="1"]');
  await expect(row.locator('.status')).toHaveText('dead');
  expect(served.cli('retry', '1').status).toBe(0);
  await expect(row.locator('.status')).toHaveText('succeeded');
  await row.click();

  const panel = page.getByRole('complementary', { name: 'run 1' });
  const log = panel.getByTestId('log');
  await expect(log.getByRole('region', { name: 'attempt 1' }).locator('.attempt-head')).toContainText(/Attempt 1 · started .* · failed \(exit 3\)/);
  await expect(log.getByRole('region', { name: 'attempt 2' }).locator('.attempt-head')).toContainText(/Attempt 2 · started .* · succeeded/);
  await expect(log.getByRole('region', { name: 'attempt 1' }).locator('.line')).toHaveText('error: first time');
  await expect(log.getByRole('region', { name: 'attempt 2' }).locator('.line')).toHaveText('ok: second time');
  // The colours are spans of text; nothing of the escape codes is left.
  await expect(log.locator('.ansi-red.ansi-bold')).toHaveText('error');
  await expect(log.locator('.ansi-green')).toHaveText('ok');
  await expect(log).not.toContainText('[31m');

  // What it was given and gave back, in words; the head stays in view at the log's end.
  await expect(panel.locator('dt:text-is("command") + dd')).toContainText("sh -c 'if [ -e");
  await expect(panel.locator('dt:text-is("folder") + dd')).toHaveText(/^\//);
  await expect(panel.locator('dt:text-is("result") + dd')).toHaveText(/^exit 0 after \d+ ms$/);
  await log.locator('.line').last().scrollIntoViewIfNeeded();
  await expect(panel.getByRole('heading', { name: 'Run 1' })).toBeInViewport();

  await panel.getByLabel('times').check();
  await expect(log.locator('.line time').first()).toHaveText(/^\d\d:\d\d:\d\d\.\d{3}$/);
  await page.screenshot({ path: 'test-results/screens/run-log-attempts.png', fullPage: true });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: 'test-results/screens/run-log-attempts-dark.png', fullPage: true });
  await page.emulateMedia({ colorScheme: 'light' });

  const [download] = await Promise.all([page.waitForEvent('download'), panel.getByRole('button', { name: 'download' }).click()]);
  expect(download.suggestedFilename()).toBe('tasklane-run-1.log');
  const text = readFileSync((await download.path())!, 'utf8');
  expect(text).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z stdout error: first time\n\S+ stdout ok: second time\n$/);
});

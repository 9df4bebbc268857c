// Lanes in a real browser against a real `tasklane serve`: a lane set to pause on failure
// stops at its first failed run and says why; its rate limit is edited in its row.
import { expect, test } from './fixtures';

test('a lane that pauses on failure stops at the failed run, says why, and goes on when resumed; its rate is edited in place', async ({ page, served }) => {
  await page.getByRole('tab', { name: 'Lanes' }).click();
  const form = page.getByRole('form', { name: 'new lane' });
  await form.getByLabel('lane name').fill('backups');
  await form.getByLabel('pause when a run fails').check();
  await form.getByRole('button', { name: 'Add lane' }).click();
  const row = page.locator('tr[data-lane="backups"]');
  await expect(row.getByLabel('pause backups on failure')).toBeChecked();

  expect(served.cli('add', '--lane', 'backups', '--attempts', '1', '--', 'sh', '-c', 'echo "disk full" >&2; exit 3').status).toBe(0);
  expect(served.cli('add', '--lane', 'backups', '--', 'echo', 'next').status).toBe(0);
  await expect(row.getByTestId('paused-reason')).toContainText('run 1 went dead (EXIT_CODE');
  await expect(row).toContainText('paused');
  const runs = () => (JSON.parse(served.cli('ls', '--json').stdout) as { runs: { id: number; status: string }[] }).runs;
  expect(runs().find((r) => r.id === 2)?.status).toBe('queued');
  await page.screenshot({ path: 'test-results/screens/lanes-paused-on-failure.png', fullPage: true });

  // The rate, typed in the row (text that is not a rate is said, and nothing changes).
  await row.getByLabel('rate of backups').fill('fast');
  await row.getByLabel('rate of backups').press('Enter');
  await expect(page.getByRole('alert')).toContainText('rate of backups: a rate is runs/interval');
  await expect(row.getByLabel('rate of backups')).toHaveValue('');
  await row.getByLabel('rate of backups').fill('5/1m');
  await row.getByLabel('rate of backups').press('Enter');
  await expect(page.locator('.notice')).toContainText('at most 5 per minute');
  const lanes = JSON.parse(served.cli('lanes', '--json').stdout) as { name: string; rateLimit: unknown }[];
  expect(lanes.find((l) => l.name === 'backups')?.rateLimit).toEqual({ max: 5, intervalMs: 60_000 });

  // Resumed: the reason goes and the next run runs.
  await row.getByRole('button', { name: 'Resume' }).click();
  await expect(row.getByTestId('paused-reason')).toHaveCount(0);
  await expect.poll(() => runs().find((r) => r.id === 2)?.status).toBe('succeeded');
});

// A waiting run changed before it starts, in a real browser against a real `tasklane serve`:
// its priority, lane and input, from its panel; it then runs as changed.
import { expect, test } from './fixtures';

test('a waiting run is changed in its panel (lane, priority, input) and runs as changed', async ({ page, served }) => {
  expect(served.cli('pause', 'default').status).toBe(0);
  expect(served.cli('add', '--name', 'greet', '--', 'echo', 'hello').status).toBe(0);
  const row = page.locator('tr[data-run-id="1"]');
  await expect(row.locator('.status')).toHaveText('queued');
  await row.click();
  const panel = page.getByRole('complementary', { name: 'run 1' });
  await expect(panel.getByRole('heading', { name: 'Why it is waiting' })).toBeVisible();
  await panel.getByRole('button', { name: 'Change' }).click();
  const form = panel.getByRole('form', { name: 'change run 1' });
  await expect(form.getByLabel('args')).toHaveValue('hello');
  await form.getByLabel('run priority').fill('9');
  await form.getByLabel('run lane').selectOption('serial');
  await form.getByLabel('args').fill('changed before it started');
  await page.screenshot({ path: 'test-results/screens/run-change.png', fullPage: true });
  await form.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.locator('.notice')).toContainText('Run 1 changed');
  await expect(form).toHaveCount(0);
  // The list and the panel show it in its new lane; it runs there, with its new input.
  await expect(row).toContainText('serial');
  await expect(row.locator('.status')).toHaveText('succeeded');
  await expect(panel.locator('.log')).toContainText('changed before it started');
  const shown = JSON.parse(served.cli('show', '1', '--json').stdout) as { lane: string; priority: number };
  expect(shown).toMatchObject({ lane: 'serial', priority: 9 });
});

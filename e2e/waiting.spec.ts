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
  await panel.getByRole('button', { name: 'Edit' }).click();
  const form = panel.getByRole('form', { name: 'edit run 1' });
  await expect(form.getByLabel('args')).toHaveValue('hello');
  await form.getByLabel('run priority').fill('9');
  await form.getByLabel('run lane').selectOption('serial');
  await form.getByLabel('args').fill('changed before it started');
  await page.screenshot({ path: 'test-results/screens/run-change.png', fullPage: true });
  await form.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.locator('.notice')).toContainText('Run 1 edited');
  await expect(form).toHaveCount(0);
  // The list and the panel show it in its new lane; it runs there, with its new input.
  await expect(row).toContainText('serial');
  await expect(row.locator('.status')).toHaveText('succeeded');
  await expect(panel.locator('.log')).toContainText('changed before it started');
  const shown = JSON.parse(served.cli('show', '1', '--json').stdout) as { lane: string; priority: number };
  expect(shown).toMatchObject({ lane: 'serial', priority: 9 });
});

test('why a run waits, in its panel, for each reason: its time, held, a run it comes after, its lane full, paused or at its rate limit', async ({ page, served }) => {
  const add = (...args: string[]) => {
    const r = served.cli('add', '--json', ...args);
    expect(r.status, r.stderr).toBe(0);
    return (JSON.parse(r.stdout) as { id: number }).id;
  };
  expect(served.cli('lane', 'add', 'one', '--concurrency', '1').status).toBe(0);
  expect(served.cli('lane', 'add', 'slow', '--rate', '1/1h').status).toBe(0);
  expect(served.cli('lane', 'add', 'off').status).toBe(0);
  expect(served.cli('pause', 'off').status).toBe(0);
  const busy = add('--lane', 'one', '--', 'sleep', '30');
  const later = add('--delay', '2h', '--', 'true');
  const held = add('--delay', '2h', '--', 'true');
  expect(served.cli('hold', String(held)).status).toBe(0);
  const after = add('--after', String(later), '--', 'true');
  const full = add('--lane', 'one', '--', 'true');
  const first = add('--lane', 'slow', '--', 'true');
  const limited = add('--lane', 'slow', '--', 'true');
  const paused = add('--lane', 'off', '--', 'true');
  await expect(page.locator(`tr[data-run-id="${busy}"] .status`)).toHaveText('running');
  await expect(page.locator(`tr[data-run-id="${first}"] .status`)).toHaveText('succeeded');
  const reasons: [number, RegExp][] = [
    [later, /scheduled for /], [held, /held by you/], [after, new RegExp(`waiting for run ${later} to succeed`)],
    [full, /lane one is full: 1 of 1 running/], [limited, /lane slow is at its rate limit \(1 per hour\)/], [paused, /lane off is paused/],
  ];
  for (const [id, why] of reasons) {
    await page.locator(`tr[data-run-id="${id}"]`).click();
    await expect(page.getByRole('complementary', { name: `run ${id}` }).getByLabel('why it is waiting')).toContainText(why);
  }
  await page.screenshot({ path: 'test-results/screens/why-waiting.png', fullPage: true });
  // Its panel names the run it comes after; that run's panel names it back, and opens it.
  await page.locator(`tr[data-run-id="${after}"]`).click();
  const panel = page.getByRole('complementary', { name: `run ${after}` });
  await panel.getByRole('button', { name: `#${later} true` }).click();
  await page.getByRole('complementary', { name: `run ${later}` }).getByRole('button', { name: `#${after} true` }).click();
  await expect(page.getByRole('complementary', { name: `run ${after}` })).toBeVisible();
  expect(served.cli('cancel', String(busy)).status).toBe(0);
});

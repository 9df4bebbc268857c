// Every screen in the light and the dark theme, in a real browser against a real `tasklane
// serve` with real runs in it: axe (WCAG 2 A and AA rules) finds no serious or critical
// violation, and a screenshot of each is saved (test-results/screens/<screen>-<theme>.png).
// The theme is chosen in the window's own picker, which keeps it across a reload.
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { call, expect, test } from './fixtures';

/** Serious and critical WCAG 2 A/AA violations on the page as it is, one line each. */
async function violations(page: Page): Promise<string[]> {
  const { violations: found } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return found.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')} — ${n.failureSummary?.split('\n').slice(1).join(' ').trim()}`));
}

test('every screen, light and dark: no serious or critical accessibility violation; a screenshot of each', async ({ page, served }) => {
  void served;
  test.setTimeout(90_000);
  // Something on every screen: tasks (one on a schedule), lanes (one limited, one paused),
  // runs that succeeded, one dead with an error, one waiting.
  const task = await call<{ id: number }>(page, 'createTask', { name: 'backup photos', kind: 'shell', input: { command: 'echo "copied 12 files"', shell: true }, lane: 'default' });
  await call(page, 'setSchedule', { taskId: task.id, cron: '0 3 * * *', timeZone: 'Europe/Berlin' });
  await call(page, 'createTask', { name: 'ping status page', kind: 'http', input: { url: 'http://127.0.0.1:9/health' }, lane: 'default' });
  await call(page, 'createLane', { name: 'uploads', concurrency: 2, rateLimit: { max: 10, intervalMs: 60_000 } });
  await call(page, 'createLane', { name: 'night' });
  await call(page, 'pauseLane', { name: 'night' });
  await call(page, 'runTask', { id: task.id });
  const dead = await call<{ id: number }>(page, 'enqueue', { kind: 'shell', input: { command: 'echo "disk full" >&2; exit 3', shell: true }, maxAttempts: 1, name: 'export report' });
  await call(page, 'enqueue', { kind: 'shell', input: { command: 'echo waiting' }, lane: 'night', name: 'night job' });
  await expect.poll(async () => (await call<{ status: string }>(page, 'getRun', { id: dead.id })).status).toBe('dead');
  // Messages in the inbox: one proposing a run, one proposing nothing, one malformed.
  await call(page, 'sendMessage', { text: '{"task": "backup photos"}' });
  await call(page, 'sendMessage', { text: 'call the plumber on Monday' });
  await call(page, 'sendMessage', { text: '{"task": ', format: 'json' });

  const screens: { name: string; open(): Promise<void> }[] = [
    { name: 'overview', open: async () => { await page.getByRole('tab', { name: 'Overview' }).click(); await expect(page.getByTestId('latest-failures')).toContainText('export report'); } },
    { name: 'runs', open: async () => { await page.getByRole('tab', { name: 'Runs' }).click(); await expect(page.locator(`tr[data-run-id="${dead.id}"]`)).toBeVisible(); } },
    { name: 'run-detail', open: async () => {
      await page.locator(`tr[data-run-id="${dead.id}"]`).click();
      await expect(page.getByRole('complementary', { name: `run ${dead.id}` })).toContainText('disk full');
    } },
    { name: 'dead-letter', open: async () => {
      await page.keyboard.press('Escape');
      await expect(page.getByRole('complementary')).toHaveCount(0);
      await page.getByRole('tab', { name: /Dead letter/ }).click(); await expect(page.locator(`tr[data-run-id="${dead.id}"]`).first()).toBeVisible(); } },
    { name: 'lanes', open: async () => { await page.getByRole('tab', { name: 'Lanes' }).click(); await expect(page.getByText('uploads').first()).toBeVisible(); } },
    { name: 'tasks', open: async () => { await page.getByRole('tab', { name: 'Tasks' }).click(); await expect(page.getByText('backup photos').first()).toBeVisible(); } },
    { name: 'task-page', open: async () => {
      await page.locator('tr[data-task="backup photos"]').getByRole('button', { name: 'backup photos' }).click();
      await expect(page.getByTestId('task-fires').locator('li')).toHaveCount(5);
      await expect(page.getByTestId('task-chart-runs')).toBeVisible();
    } },
    { name: 'inbox', open: async () => {
      await page.getByRole('tab', { name: /Inbox/ }).click();
      await page.getByRole('button', { name: /^All/ }).click();
      await expect(page.getByRole('listitem', { name: 'message 3' })).toContainText('not valid JSON');
    } },
  ];
  const found: string[] = [];
  for (const theme of ['Light', 'Dark'] as const) {
    await page.getByRole('combobox', { name: 'Theme' }).selectOption({ label: theme });
    await expect(page.locator('html')).toHaveAttribute('data-theme', theme.toLowerCase());
    for (const screen of screens) {
      await screen.open();
      found.push(...(await violations(page)).map((v) => `${screen.name} (${theme}): ${v}`));
      await page.screenshot({ path: `test-results/screens/${screen.name}-${theme.toLowerCase()}.png`, fullPage: true });
    }
  }
  // At 900 px wide (a laptop's half screen): the same screens, for the eye (the columns hold, text does not wrap word by word).
  await page.setViewportSize({ width: 900, height: 800 });
  for (const screen of screens) {
    await screen.open();
    await page.screenshot({ path: `test-results/screens/${screen.name}-900.png`, fullPage: true });
  }
  expect(found).toEqual([]);
});

test('the theme picked stays across a reload and does not follow the system once chosen', async ({ page, served }) => {
  void served;
  await page.emulateMedia({ colorScheme: 'light' });
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  // System: follows the system's change.
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.emulateMedia({ colorScheme: 'light' });
  await page.getByRole('combobox', { name: 'Theme' }).selectOption({ label: 'Dark' });
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.reload();
  await expect(page.getByText('● live')).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect(page.getByRole('combobox', { name: 'Theme' })).toHaveValue('dark');
  const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(background).toBe('rgb(21, 23, 28)');
});

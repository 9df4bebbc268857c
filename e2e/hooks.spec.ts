// Completion hooks from a task's page, in a real browser against a real `tasklane serve`: a
// failing task's webhook reaches a server the test starts, signed with the secret the page
// shows; a hook that runs another task makes its run after; a loop is refused where it is added.
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from './fixtures';

test("hooks on a task's page: a signed webhook when it fails, another task when it succeeds, a loop refused", async ({ page, served }) => {
  const got: { signature: string; body: string }[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => { got.push({ signature: String(req.headers['x-tasklane-signature']), body }); res.end('ok'); });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  try {
    for (const args of [['flaky', '--attempts', '1', '--', 'sh', '-c', 'echo disk full; exit 3'], ['report', '--', 'echo', 'after {{run.task}} {{run.status}}']]) {
      const r = served.cli('task', 'add', ...args);
      expect(r.status, r.stderr).toBe(0);
    }
    await page.getByRole('tab', { name: 'Tasks' }).click();
    await page.locator('tr[data-task="flaky"]').getByRole('button', { name: 'flaky' }).click();
    const hooks = page.getByRole('region', { name: 'When a run ends' });
    await expect(hooks).toContainText('Nothing else happens.');
    const add = hooks.getByRole('form', { name: 'add a hook' });
    await add.getByLabel('hook when').selectOption('failed');
    await add.getByLabel('hook does').selectOption('webhook');
    await add.getByLabel('hook url').fill(`http://127.0.0.1:${port}/tasklane`);
    await add.getByRole('button', { name: 'Add hook' }).click();
    await expect(hooks.getByRole('list', { name: 'hooks' })).toContainText(`When it fails: POST to http://127.0.0.1:${port}/tasklane`);
    await add.getByLabel('hook when').selectOption('ended');
    await add.getByLabel('hook does').selectOption('task');
    await add.getByLabel('hook task').selectOption('report');
    await add.getByRole('button', { name: 'Add hook' }).click();
    await expect(hooks.getByRole('listitem')).toHaveCount(2);
    await hooks.getByText('secret').click();
    const secret = (await hooks.getByTestId('hook-secret').textContent())!;
    await page.screenshot({ path: 'test-results/screens/task-hooks.png', fullPage: true });

    // report's hook back to flaky would loop: refused, said under the row.
    await page.getByRole('button', { name: '← All tasks' }).click();
    await page.locator('tr[data-task="report"]').getByRole('button', { name: 'report' }).click();
    await add.getByLabel('hook task').selectOption('flaky');
    await add.getByRole('button', { name: 'Add hook' }).click();
    await expect(hooks.getByRole('alert')).toContainText('a loop: report → flaky → report');
    await expect(hooks).toContainText('Nothing else happens.');

    // flaky runs and fails: the webhook arrives signed; report runs after it, filled in.
    expect(served.cli('task', 'run', 'flaky').status).toBe(0);
    await expect.poll(() => got.length).toBe(1);
    expect(got[0].signature).toBe(`sha256=${createHmac('sha256', secret).update(got[0].body).digest('hex')}`);
    expect(JSON.parse(got[0].body)).toMatchObject({ event: 'run.dead', task: { name: 'flaky' }, log: ['disk full'] });
    await page.getByRole('tab', { name: 'Runs' }).click();
    await expect(page.locator('tr', { hasText: 'webhook: flaky dead' }).locator('.status')).toHaveText('succeeded');
    const report = page.locator('tr', { hasText: 'report' }).first();
    await expect(report.locator('.status')).toHaveText('succeeded');
    await report.click();
    const panel = page.getByRole('complementary');
    await expect(panel.getByTestId('log')).toContainText('after flaky dead');
    await expect(panel).toContainText('by a hook (another run ended)');
  } finally {
    server.close();
  }
});

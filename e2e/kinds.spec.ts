// A run of any kind made in the window, its form made from the kind's JSON Schema, in a real
// browser against a real `tasklane serve`: an HTTP call to a server the test starts succeeds
// and the call arrives; a field the engine refuses says so under that field.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from './fixtures';

test('an http run made in the form reaches a local server; a bad URL is said under its field', async ({ page, served }) => {
  const got: { method: string; url: string; token: string; body: string }[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      got.push({ method: req.method!, url: req.url!, token: String(req.headers['x-token']), body });
      res.writeHead(201, { 'content-type': 'application/json' }).end('{"stored":true}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  try {
    const form = page.getByRole('form', { name: 'new run' });
    await form.getByLabel('kind').selectOption('http');
    await expect(form.getByLabel('url *')).toBeVisible();
    await page.screenshot({ path: 'test-results/screens/new-run-http.png', fullPage: true });

    // The browser checks a URL's form; the engine checks the rest (only http and https).
    await form.getByLabel('url *').fill('ftp://127.0.0.1/nothing');
    await form.getByRole('button', { name: 'Run' }).click();
    await expect(form.locator('#kind-field-url-error')).toHaveText('an http:// or https:// URL');
    await expect(form.getByLabel('url *')).toHaveAttribute('aria-invalid', 'true');
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: 'test-results/screens/new-run-http-error-dark.png', fullPage: true });
    await page.emulateMedia({ colorScheme: 'light' });

    await form.getByLabel('url *').fill(`http://127.0.0.1:${port}/hooks/backup`);
    await form.getByLabel('method').selectOption('POST');
    await form.getByLabel('headers').fill('X-Token=s3cret');
    await form.getByLabel('body').fill('{"files": 1432}');
    await form.getByLabel('expect status').fill('201');
    await form.getByRole('button', { name: 'Run' }).click();
    await expect(page.getByRole('status').or(page.locator('.notice'))).toContainText('Run 1');
    await expect(page.locator('tr[data-run-id="1"] .status')).toHaveText('succeeded');
    expect(got).toEqual([{ method: 'POST', url: '/hooks/backup', token: 's3cret', body: '{"files":1432}' }]);

    // The run's panel says what it was given (the header's value masked) and what came back.
    await page.locator('tr[data-run-id="1"]').click();
    const panel = page.getByRole('complementary', { name: 'run 1' });
    await expect(panel.locator('dt:text-is("request") + dd')).toHaveText(`POST http://127.0.0.1:${port}/hooks/backup`);
    await expect(panel.locator('dt:text-is("headers") + dd')).toHaveText('X-Token=••••••');
    await expect(panel.locator('dt:text-is("result") + dd')).toHaveText('HTTP 201');
    await expect(panel).not.toContainText('s3cret');
    await page.screenshot({ path: 'test-results/screens/run-http.png', fullPage: true });

    // Duplicate: the form shows the run's kind and fields, to change and run again.
    await panel.getByRole('button', { name: 'Duplicate' }).click();
    await expect(form.getByLabel('kind')).toHaveValue('http');
    await expect(form.getByLabel('url *')).toHaveValue(`http://127.0.0.1:${port}/hooks/backup`);
    // Its header's value is masked in the form too (and sent as it was).
    await expect(form.getByLabel('headers')).toHaveValue('X-Token=••••••');
    await expect(page.locator('main')).not.toContainText('s3cret');
    await form.getByLabel('url *').fill(`http://127.0.0.1:${port}/hooks/again`);
    await form.getByRole('button', { name: 'Run' }).click();
    await expect(page.locator('tr[data-run-id="2"] .status')).toHaveText('succeeded');
    expect(got.map((g) => [g.method, g.url, g.token])).toEqual([['POST', '/hooks/backup', 's3cret'], ['POST', '/hooks/again', 's3cret']]);
  } finally {
    server.close();
  }
});

test('a task of another kind made in the form: its fields from the schema, zones offered, run by hand', async ({ page, served }) => {
  await page.getByRole('tab', { name: 'Tasks' }).click();
  const form = page.getByRole('form', { name: 'new task' });
  await form.getByLabel('task name').fill('lunch');
  await form.getByLabel('task kind').selectOption('notify');
  await form.getByLabel('title *').fill('Time for lunch');
  await form.getByLabel('urgency').selectOption('low');
  // The zone box offers the zones this browser knows.
  await expect(page.locator('#time-zones option[value="Europe/Berlin"]')).toHaveCount(1);
  await form.getByRole('button', { name: 'Save task' }).click();
  const row = page.locator('tr[data-task="lunch"]');
  await expect(row).toContainText('Time for lunch');
  await page.screenshot({ path: 'test-results/screens/tasks-notify.png', fullPage: true });
  await row.getByRole('button', { name: 'Run now' }).click();
  await page.getByRole('tab', { name: 'Runs' }).click();
  await expect(page.locator('tr[data-run-id="1"] .status')).toHaveText('succeeded');
  // The run's panel opens the task it came from: its page, with an address of its own.
  await page.locator('tr[data-run-id="1"]').click();
  await page.getByRole('complementary', { name: 'run 1' }).getByRole('button', { name: 'Open task' }).click();
  await expect(page.getByRole('heading', { name: /^lunch/ })).toBeVisible();
  expect(new URL(page.url()).hash).toBe('#tasks/1');
  // A reload shows the same page; Edit opens its form.
  await page.reload();
  await expect(page.getByRole('heading', { name: /^lunch/ })).toBeVisible();
  await page.getByRole('button', { name: 'Edit', exact: true }).click();
  await expect(page.getByRole('form', { name: 'edit task lunch' }).getByLabel('title *')).toHaveValue('Time for lunch');
  // Saved as the engine takes it.
  const tasks = JSON.parse(served.cli('tasks', '--json').stdout) as { name: string; kind: string; input: unknown }[];
  expect(tasks.find((t) => t.name === 'lunch')).toMatchObject({ kind: 'notify', input: { title: 'Time for lunch', urgency: 'low' } });
});

test('a task opened to edit shows its saved fields; a changed schedule moves its next fire', async ({ page, served }) => {
  const add = served.cli('task', 'add', 'ping', '--http', 'POST', 'http://127.0.0.1:9/ping', '--header', 'X-Token:abc', '--cron', '0 3 * * *', '--tz', 'UTC');
  expect(add.status, add.stderr).toBe(0);
  await page.getByRole('tab', { name: 'Tasks' }).click();
  const row = page.locator('tr[data-task="ping"]');
  await expect(row).toContainText('At 03:00');
  const before = await row.locator('td').nth(4).textContent();
  await row.getByRole('button', { name: 'Edit' }).click();

  const form = page.getByRole('form', { name: 'edit task ping' });
  await expect(form.getByLabel('task kind')).toHaveValue('http');
  await expect(form.getByLabel('url *')).toHaveValue('http://127.0.0.1:9/ping');
  await expect(form.getByLabel('method')).toHaveValue('POST');
  // Header values can be secrets: masked until asked for.
  await expect(form.getByLabel('headers')).toHaveValue('X-Token=••••••');
  await form.getByRole('button', { name: 'show values' }).click();
  await expect(form.getByLabel('headers')).toHaveValue('X-Token=abc');
  await expect(form.getByLabel('cron')).toHaveValue('0 3 * * *');
  await page.screenshot({ path: 'test-results/screens/task-edit.png', fullPage: true });

  await form.getByLabel('url *').fill('http://127.0.0.1:9/pong');
  await form.getByLabel('cron').fill('30 4 * * *');
  await form.getByRole('button', { name: 'Save changes' }).click();
  await expect(row).toContainText('At 04:30');
  await expect(row.locator('td').nth(4)).not.toHaveText(before ?? '');
  const task = (JSON.parse(served.cli('tasks', '--json').stdout) as { name: string; input: Record<string, unknown> }[]).find((t) => t.name === 'ping')!;
  // Only what was changed changed: the method and the header stay.
  expect(task.input).toMatchObject({ method: 'POST', url: 'http://127.0.0.1:9/pong', headers: { 'X-Token': 'abc' } });
  await expect(page.getByRole('form', { name: 'new task' })).toBeVisible();
});

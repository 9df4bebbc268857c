// The tasks list and a task's page in a real browser against a real `tasklane serve`: the
// list says each task's schedule with its zone, its last run and its success; the page shows
// the definition, the next fires on the task's clock and this one, the runs and their charts;
// a secret and its own notifications are set there; Clone saves a copy with the same
// definition, hooks and notifications.
import { expect, test } from './fixtures';

test('a task page: definition, next fires in its zone, last run, success and latest runs; Clone saves a copy', async ({ page, served }) => {
  const add = served.cli('task', 'add', 'backup', '--cron', '0 3 * * *', '--tz', 'Pacific/Auckland', '--priority', '7', '--attempts', '3', '--', 'echo', 'copied');
  expect(add.status, add.stderr).toBe(0);
  expect(served.cli('task', 'run', 'backup').status).toBe(0);
  expect(served.cli('wait', '1').status).toBe(0);
  await page.getByRole('tab', { name: 'Tasks' }).click();
  const row = page.locator('tr[data-task="backup"]');
  await expect(row).toContainText('At 03:00 (Pacific/Auckland)');
  // Its last run and its success, live as the run ends.
  await expect(row.locator('.status')).toHaveText('succeeded');
  await expect(row).toContainText('100% of 1 run');

  await row.getByRole('button', { name: 'backup' }).click();
  const task = page.getByRole('article', { name: /backup/ });
  await expect(task.getByRole('heading', { name: /backup/ })).toBeFocused();
  await expect(task).toContainText('echo copied');
  await expect(task).toContainText('up to 3');
  await expect(task.getByTestId('task-schedule')).toContainText('At 03:00 (Pacific/Auckland)');
  // Five next fires, each at 03:00 in Auckland and, unless this machine is there, on this clock too.
  const fires = task.getByTestId('task-fires').locator('li');
  await expect(fires).toHaveCount(5);
  await expect(fires.first()).toContainText('03:00');
  const here = await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
  if (here !== 'Pacific/Auckland') await expect(fires.first()).toContainText('Pacific/Auckland ·');
  await expect(task.getByTestId('task-last-run')).toContainText('run 1');
  await expect(task.getByTestId('task-success')).toHaveText('100% of 1 run');
  await expect(task.getByTestId('task-chart-runs')).toBeVisible();
  await expect(task.locator('tr[data-run-id="1"] .status')).toHaveText('succeeded');
  // Run now from the page: the new run joins its latest runs.
  await task.getByRole('button', { name: 'Run now' }).click();
  await expect(task.locator('tr[data-run-id="2"] .status')).toHaveText('succeeded');
  await expect(task.getByTestId('task-last-run')).toContainText('run 2');

  // A secret and its own notifications, set on its page: the value is never shown again.
  const secrets = task.getByRole('region', { name: 'Secrets' });
  await secrets.getByLabel('secret name').fill('API_TOKEN');
  await secrets.getByLabel('secret value').fill('tl-very-secret-value');
  await secrets.getByRole('button', { name: 'Set secret' }).click();
  await expect(secrets.getByRole('list', { name: 'secrets' })).toContainText('API_TOKEN ••••••');
  await expect(page.locator('body')).not.toContainText('tl-very-secret-value');
  const notify = task.getByRole('region', { name: 'Notifications' });
  await expect(notify).toContainText('It follows the global policy');
  await notify.getByRole('button', { name: 'Give it its own' }).click();
  await notify.getByRole('checkbox', { name: /any run succeeds/ }).check();
  await notify.getByLabel('backup: a run succeeds after more than').fill('nonsense');
  await notify.getByLabel('backup: a run succeeds after more than').press('Enter');
  await expect(notify.getByRole('alert')).toContainText('a duration');
  await notify.getByLabel('backup: a run succeeds after more than').fill('10m');
  await notify.getByLabel('backup: a run succeeds after more than').press('Enter');
  await expect(task).toContainText('its own:');
  const hooks = task.getByRole('region', { name: 'When a run ends' });
  await hooks.getByLabel('hook does').selectOption('webhook');
  await hooks.getByLabel('hook url').fill('http://127.0.0.1:9/hook');
  await hooks.getByRole('button', { name: 'Add hook' }).click();
  await expect(hooks.getByRole('list', { name: 'hooks' })).toContainText('POST to http://127.0.0.1:9/hook');
  await notify.scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'test-results/screens/task-settings.png' });
  const own = (JSON.parse(served.cli('tasks', '--json').stdout) as { name: string; notify: unknown; secrets: string[] }[]).find((t) => t.name === 'backup')!;
  expect(own).toMatchObject({ notify: { succeeded: true, slowSuccessMs: 600_000 }, secrets: ['API_TOKEN'] });

  // Clone: the form holds a copy under a new name; saved, it has the same definition and options.
  await task.getByRole('button', { name: 'Clone' }).click();
  const form = page.getByRole('form', { name: 'new task' });
  await expect(form.getByLabel('task name')).toHaveValue('backup (copy)');
  await expect(form.getByLabel('task kind')).toHaveValue('shell');
  await expect(form.getByLabel('command *')).toHaveValue('echo');
  await expect(form.getByLabel('args')).toHaveValue('copied');
  await expect(form.getByLabel('cron')).toHaveValue('0 3 * * *');
  await expect(form.getByLabel('time zone')).toHaveValue('Pacific/Auckland');
  await form.getByRole('button', { name: 'Save task' }).click();
  await expect(page.locator('tr[data-task="backup (copy)"]')).toContainText('At 03:00 (Pacific/Auckland)');
  const saved = JSON.parse(served.cli('tasks', '--json').stdout) as { name: string; priority: number; maxAttempts: number; input: unknown }[];
  const original = saved.find((t) => t.name === 'backup')!;
  // …and its hooks and notifications, not its secrets (their values are never read back).
  expect(saved.find((t) => t.name === 'backup (copy)')).toMatchObject({ priority: 7, maxAttempts: 3, input: original.input,
    notify: { succeeded: true, slowSuccessMs: 600_000 }, hooks: [{ on: 'failed', webhook: { url: 'http://127.0.0.1:9/hook' } }], secrets: [] });
});

test('run options in the task form: saved, shown again to edit, and an engine error lands under its field', async ({ page, served }) => {
  void served;
  await page.getByRole('tab', { name: 'Tasks' }).click();
  const form = page.getByRole('form', { name: 'new task' });
  await form.getByLabel('task name').fill('sync');
  await form.getByLabel('task command').fill('echo syncing');
  await form.getByText('Run options').click();
  await form.getByLabel('task priority').fill('9');
  await form.getByLabel('task attempts').fill('5');
  await form.getByLabel('task backoff', { exact: true }).selectOption('fixed');
  await form.getByLabel('task backoff delay').fill('30s');
  await form.getByLabel('task timeout').fill('10m');
  await form.getByLabel('task tags').fill('nightly, photos');
  await form.getByRole('button', { name: 'Save task' }).click();
  await expect(page.locator('tr[data-task="sync"]')).toBeVisible();
  const saved = (JSON.parse(served.cli('tasks', '--json').stdout) as Record<string, unknown>[]).find((t) => t.name === 'sync');
  expect(saved).toMatchObject({ priority: 9, maxAttempts: 5, backoff: { type: 'fixed', delayMs: 30_000 }, timeoutMs: 600_000, tags: ['nightly', 'photos'] });

  // Edit: the form shows them as saved; a time limit the engine refuses is said under its field, and nothing changes.
  await page.locator('tr[data-task="sync"]').getByRole('button', { name: 'Edit' }).click();
  const edit = page.getByRole('form', { name: 'edit task sync' });
  // A task with options of its own shows them unfolded.
  await expect(edit.getByLabel('task priority')).toHaveValue('9');
  await expect(edit.getByLabel('task backoff delay')).toHaveValue('30s');
  await expect(edit.getByLabel('task timeout')).toHaveValue('10m');
  await expect(edit.getByLabel('task tags')).toHaveValue('nightly, photos');
  await edit.getByLabel('task timeout').fill('60d');
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await expect(edit.locator('label.option', { hasText: 'time limit' }).getByRole('alert')).toContainText(/30|less|too big/i);
  const after = (JSON.parse(served.cli('tasks', '--json').stdout) as Record<string, unknown>[]).find((t) => t.name === 'sync');
  expect(after).toMatchObject({ timeoutMs: 600_000 });
});

test('a task that runs once at a set time; a run with changes leaves the task as it is', async ({ page, served }) => {
  await page.getByRole('tab', { name: 'Tasks' }).click();
  const form = page.getByRole('form', { name: 'new task' });
  await form.getByLabel('task name').fill('renew domain');
  await form.getByLabel('task command').fill('echo renewing');
  await form.getByLabel('schedule').selectOption('once');
  await form.getByLabel('once at').fill('2031-05-04T09:30');
  await form.getByRole('button', { name: 'Save task' }).click();
  const row = page.locator('tr[data-task="renew domain"]');
  await expect(row).toBeVisible();
  const saved = (JSON.parse(served.cli('tasks', '--json').stdout) as { name: string; schedule: { cron: string | null; runAt: number | null } }[])
    .find((t) => t.name === 'renew domain')!;
  const expected = await page.evaluate(() => new Date('2031-05-04T09:30').getTime());
  expect(saved.schedule).toMatchObject({ cron: null, runAt: expected });
  // Opened to edit, it shows the same moment.
  await row.getByRole('button', { name: 'Edit' }).click();
  const edit = page.getByRole('form', { name: 'edit task renew domain' });
  await expect(edit.getByLabel('schedule')).toHaveValue('once');
  await expect(edit.getByLabel('once at')).toHaveValue('2031-05-04T09:30');
  await edit.getByRole('button', { name: 'Cancel' }).click();

  // Run with changes: another lane and other words, this once.
  await row.getByRole('button', { name: 'renew domain' }).click();
  const taskPage = page.getByRole('article', { name: /renew domain/ });
  await taskPage.getByRole('button', { name: 'Run with changes…' }).click();
  const changes = taskPage.getByRole('form', { name: 'run renew domain with changes' });
  await expect(changes.getByLabel('command *')).toHaveValue('echo renewing');
  await changes.getByLabel('command *').fill('echo renewing early');
  await changes.getByLabel("this run's lane").selectOption('serial');
  await changes.getByRole('button', { name: 'Run with these changes' }).click();
  await expect(page.locator('.notice')).toContainText('queued with changes');
  await expect(taskPage.locator('tr[data-run-id="1"] .status')).toHaveText('succeeded');
  await expect(taskPage.locator('tr[data-run-id="1"]')).toContainText('serial');
  expect(served.cli('logs', '1').stdout).toBe('renewing early\n');
  const task = (JSON.parse(served.cli('tasks', '--json').stdout) as { name: string; lane: string; input: unknown }[]).find((t) => t.name === 'renew domain')!;
  expect(task).toMatchObject({ lane: 'default', input: { command: 'echo renewing' } });
});

test('a task and its schedule are saved together: a zone refused saves no task; an edit that leaves the schedule keeps it', async ({ page, served }) => {
  await page.getByRole('tab', { name: 'Tasks' }).click();
  const form = page.getByRole('form', { name: 'new task' });
  await form.getByLabel('task name').fill('report');
  await form.getByLabel('task command').fill('echo report');
  await form.getByLabel('cron').fill('0 6 * * 1');
  await form.getByLabel('time zone').fill('Mars/Olympus');
  await form.getByRole('button', { name: 'Save task' }).click();
  await expect(page.getByTestId('schedule-error')).toContainText("time zone 'Mars/Olympus' is not a known IANA zone");
  expect(JSON.parse(served.cli('tasks', '--json').stdout)).toEqual([]);

  await form.getByLabel('time zone').fill('Europe/Berlin');
  await form.getByRole('button', { name: 'Save task' }).click();
  const row = page.locator('tr[data-task="report"]');
  await expect(row).toContainText('(Europe/Berlin)');
  // Only the priority changes; the schedule stays as it was.
  await row.getByRole('button', { name: 'Edit' }).click();
  const edit = page.getByRole('form', { name: 'edit task report' });
  await edit.getByText('Run options').click();
  await edit.getByLabel('task priority').fill('8');
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await expect(row).toContainText('(Europe/Berlin)');
  const [saved] = JSON.parse(served.cli('tasks', '--json').stdout) as { priority: number; schedule: { cron: string; timeZone: string } | null }[];
  expect(saved).toMatchObject({ priority: 8, schedule: { cron: '0 6 * * 1', timeZone: 'Europe/Berlin' } });
});

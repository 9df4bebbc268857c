// The Inbox, in a real browser against a real `tasklane serve`: a message posted to an intake
// source with its token shows with what a rule proposes; Approve runs it and the decision stays
// (who, when, the run it made); an edit then approve runs the edit; a rejection keeps its reason;
// a malformed message shows as rejected; a source added in the window shows its token once, and
// that token works.
import { call, expect, test } from './fixtures';

test('messages in: approve, edit then approve, reject; a source and a rule made in the window', async ({ page, served }) => {
  await call(page, 'createTask', { name: 'deploy', kind: 'shell', input: { command: 'echo', args: ['deploying'] } });
  await call(page, 'createTask', { name: 'note', kind: 'shell', input: { command: 'echo', args: ['noted'] } });
  await call(page, 'setIntakeRules', { rules: [{ name: 'deploys', source: 'chat', match: '^deploy (?<app>\\w+)', task: 'deploy', input: { command: 'echo', args: ['deploying {{match.app}}'] } }] });
  const { token } = await call<{ token: string }>(page, 'addIntakeSource', { name: 'chat' });
  const send = (source: string, key: string, body: string, type = 'text/plain') => page.evaluate(async ({ source, key, body, type }) => {
    const r = await fetch(`/intake/${source}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': type }, body });
    return { status: r.status, body: await r.json() };
  }, { source, key, body, type });
  expect((await send('chat', token, 'deploy shop')).status).toBe(202);
  expect((await send('chat', token, 'what is the weather')).status).toBe(202);
  expect((await send('chat', token, '{"task": ', 'application/json')).body.value.status).toBe('rejected');
  expect((await send('chat', 'not-the-token', 'deploy all')).status).toBe(401);

  const tab = page.getByRole('tab', { name: /Inbox/ });
  await expect(tab).toContainText('2'); // two to review
  await tab.click();
  const first = page.getByRole('listitem', { name: 'message 1' });
  await expect(first).toContainText('deploy shop');
  await expect(first).toContainText('Proposes: run the task deploy with');
  await expect(first).toContainText('deploying shop');
  await expect(first).toContainText('deploys');
  const second = page.getByRole('listitem', { name: 'message 2' });
  await expect(second).toContainText('Proposes nothing.');
  await expect(second).toContainText('no rule matched');
  await page.screenshot({ path: 'test-results/screens/inbox.png', fullPage: true });

  // Approve: the run is made and runs; the decision says so and opens it.
  await first.getByRole('button', { name: 'Approve' }).click();
  await expect(first).toHaveCount(0); // out of "To review"
  await expect(page.getByRole('button', { name: /^Approved/ })).toContainText('(1)');
  await page.getByRole('button', { name: /^All/ }).click();
  const decision = page.getByTestId('decision-1');
  await expect(decision).toContainText(/Approved by window at .* → run 1/);
  await decision.getByRole('button', { name: 'run 1' }).click();
  const panel = page.getByRole('complementary', { name: 'run 1' });
  await expect(panel).toContainText('deploying shop');
  await page.keyboard.press('Escape');

  // Edit then approve: another task, its own input.
  await expect(second.getByRole('button', { name: 'Approve' })).toHaveCount(0); // nothing to approve as it is
  await second.getByRole('button', { name: 'Choose a task…' }).click();
  const edit = second.getByRole('form', { name: 'edit message 2' });
  await edit.getByLabel('task to run').selectOption('note');
  await edit.getByLabel('input').fill('{"command": "echo", "args": ["the weather, noted"]');
  await edit.getByRole('button', { name: 'Approve the edit' }).click();
  await expect(edit.getByRole('alert')).toContainText('not valid JSON');
  await edit.getByLabel('input').fill('{"command": "echo", "args": ["the weather, noted"]}');
  await edit.getByRole('button', { name: 'Approve the edit' }).click();
  await expect(page.getByTestId('decision-2')).toContainText('as edited: run the task note with');
  await expect.poll(async () => (await call<{ status: string; result: unknown }>(page, 'getRun', { id: 2 })).status).toBe('succeeded');

  // The malformed one is there, rejected, with its reason; a rejection by hand keeps its reason.
  await expect(page.getByTestId('decision-3')).toContainText(/Rejected by intake at .*: not valid JSON/);
  await call(page, 'sendMessage', { source: 'chat', text: 'deploy everything now' });
  const fourth = page.getByRole('listitem', { name: 'message 4' });
  await fourth.getByRole('button', { name: 'Reject…' }).click();
  await fourth.getByLabel('reason').fill('not on a Friday');
  await fourth.getByRole('button', { name: 'Reject', exact: true }).click();
  await expect(page.getByTestId('decision-4')).toContainText(/Rejected by window at .*: not on a Friday/);
  await expect(tab).not.toContainText(/\d/);

  // A source and an auto-approving rule made here: the token is shown once and works.
  const setup = page.getByRole('region', { name: 'Where messages come from' });
  await setup.getByLabel('source name').fill('phone');
  await setup.getByRole('button', { name: 'Add source' }).click();
  const phoneToken = (await setup.getByTestId('source-token').textContent())!;
  const rule = setup.getByRole('form', { name: 'add a rule' });
  await rule.getByLabel('rule source').selectOption('phone');
  await rule.getByLabel('rule task').selectOption('note');
  await rule.getByLabel('rule pattern').fill('(');
  await rule.getByRole('button', { name: 'Add rule' }).click();
  await expect(setup.getByRole('alert')).toContainText('not a valid regular expression');
  await rule.getByLabel('rule pattern').fill('^note (.+)');
  await rule.getByLabel('rule input').fill('{"command": "echo", "args": ["{{match.1}}"]}');
  await rule.getByLabel('approve by itself').check();
  await rule.getByRole('button', { name: 'Add rule' }).click();
  await expect(setup.getByRole('list', { name: 'rules' })).toContainText('from phone, text matching /^note (.+)/ → run note');
  await page.screenshot({ path: 'test-results/screens/inbox-setup.png', fullPage: true });
  const sent = await send('phone', phoneToken, 'note buy milk');
  expect(sent.body.value.status).toBe('approved');
  await expect(page.getByTestId(`decision-${sent.body.value.id}`)).toContainText("Approved by rule 2"); // its place in the list
});

// The notification policy in a real browser against a real `tasklane serve`: the Overview's
// card changes it; a failure is said in the page while it is in view, and shown as a desktop
// notification (the browser's own Notification, permission granted) while it is not; a click
// on it opens the run.
import { expect, test } from './fixtures';

test("notifications: the Overview's card sets the policy; a failure is said in the page while it is in view", async ({ page, served }) => {
  await page.getByRole('tab', { name: 'Overview' }).click();
  const card = page.getByRole('region', { name: 'Notifications' });
  await expect(card.getByLabel('a run fails')).toBeChecked();
  await card.getByLabel('any run succeeds').check();
  await card.getByLabel('a run is still running after').fill('2h');
  await card.getByLabel('a run is still running after').press('Enter');
  await expect(page.locator('.notice')).toContainText('Notifications saved');
  await card.getByLabel('a run succeeds after more than').fill('soon');
  await card.getByLabel('a run succeeds after more than').press('Enter');
  await expect(card.getByRole('alert')).toContainText('a duration');
  await page.screenshot({ path: 'test-results/screens/overview-notifications.png', fullPage: true });
  const shown = JSON.parse(served.cli('notices', 'show', '--json').stdout) as { policy: Record<string, unknown> };
  expect(shown.policy).toMatchObject({ succeeded: true, runningLongerThanMs: 7_200_000, slowSuccessMs: null, failed: true });

  // In view: said in the page's notice line.
  expect(served.cli('add', '--name', 'sync', '--attempts', '1', '--', 'sh', '-c', 'exit 4').status).toBe(0);
  await expect(page.locator('.notice')).toContainText('sync is dead — Run 1: EXIT_CODE');

});

test('out of view, with the permission given, a failure is a desktop notification whose click opens the run', async ({ page, served, context }) => {
  await context.grantPermissions(['notifications']);
  await page.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    // The browser's own Notification, each one kept to look at.
    const Real = window.Notification;
    const made: Notification[] = [];
    (window as unknown as { made: Notification[] }).made = made;
    window.Notification = class extends Real { constructor(title: string, o?: NotificationOptions) { super(title, o); made.push(this); } } as typeof Notification;
  });
  expect(served.cli('add', '--name', 'later', '--attempts', '1', '--', 'sh', '-c', 'exit 5').status).toBe(0);
  await expect.poll(() => page.evaluate(() => (window as unknown as { made: Notification[] }).made.map((n) => [n.title, n.body])))
    .toEqual([['later is dead', 'Run 1: EXIT_CODE: sh exited with code 5']]);
  await expect(page.locator('.notice')).toHaveCount(0);
  await page.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { value: 'visible', configurable: true });
    const n = (window as unknown as { made: Notification[] }).made[0];
    n.onclick?.call(n, new Event('click'));
  });
  await expect(page.getByRole('complementary', { name: 'run 1' })).toBeVisible();
});

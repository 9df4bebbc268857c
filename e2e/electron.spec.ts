// The desktop app itself, through Playwright's Electron driver. These need the Electron
// binary, which cannot be downloaded on every machine (not on ours, nor in its CI): where
// it is missing they are skipped, and say so.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron as electron, type Page } from '@playwright/test';
import { electronBinary, ensureElectronSqlite } from '../scripts/electron-env.mjs';
import { expect, root, test as base } from './fixtures';

const binary = electronBinary();
if (!binary.path) console.log(`[e2e] skipping the Electron tests: ${binary.reason}`);

/** The app on its own data folder, its window live; closed and the folder removed after. */
const test = base.extend<{ window: Page }>({
  window: async ({}, use) => {
    ensureElectronSqlite();
    const dataDir = mkdtempSync(join(tmpdir(), 'tasklane-electron-'));
    const app = await electron.launch({ executablePath: binary.path!, args: [root], env: { ...process.env, TASKLANE_DATA_DIR: dataDir } });
    try {
      const page = await app.firstWindow();
      await expect(page.getByText('● live')).toBeVisible();
      await use(page);
    } finally {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
});

test.describe('desktop app', () => {
  test.skip(!binary.path, `needs the Electron binary: ${binary.reason}`);

  test('opens the window on its engine; a command added there runs and shows its log', async ({ window: page }) => {
    await page.getByLabel('command').fill('echo from the desktop');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page.locator('tr[data-run-id="1"]').click();
    const panel = page.getByRole('complementary', { name: 'run 1' });
    await expect(panel.locator('.status')).toHaveText('succeeded');
    await expect(panel.getByTestId('log')).toContainText('from the desktop');
  });

  test('stays on its own page: a navigation away is refused', async ({ window: page }) => {
    await page.evaluate(() => { location.href = 'https://example.com/'; });
    await expect(page.getByText('● live')).toBeVisible();
    expect(page.url()).toMatch(/^file:.*index\.html$/);
  });
});

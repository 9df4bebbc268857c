// The desktop shell: one instance, one window, a tray icon, desktop notifications. The
// engine and its local host run on a thread of their own (src/host/engine-thread.ts), so
// this thread, which draws the window's frame, the tray and the menus, never waits for it:
// the window's calls go there as messages and its events come back in batches.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { app, BrowserWindow, dialog, Menu, nativeImage, Notification, powerMonitor, session, shell, Tray } from 'electron';
import log from 'electron-log/main';
import type { Counts, EngineEvent, Lane } from '../../src/core/api/types';
import { backupsDir, restoreDatabase, setAside } from '../../src/core/db/care';
import { jsonLinesFor, logUncaught } from '../../src/host/app-log';
import { EngineThreadFailed, startEngineThread, type EngineThread } from '../../src/host/engine-thread-client';
import { acquireLock, LockedError } from '../../src/host/lock';
import { DEFAULT_PORT } from '../../src/host/local-host';
import { defaultDataDir, files } from '../../src/host/paths';
import { readSettings } from '../../src/host/settings';
import { bindIpc, HIDDEN } from './ipc';
import { trayMenu, trayTooltip } from './tray';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const pageFile = join(here, '..', 'renderer', 'index.html');
const devUrl = process.env.ELECTRON_RENDERER_URL;
const isOurPage = (url: string) => (devUrl ? url.startsWith(devUrl) : url === pathToFileURL(pageFile).href);

let window: BrowserWindow | null = null;
let tray: Tray | null = null;
let engine: EngineThread | null = null;
/** Who gets the engine's event batches (the window's IPC, the tray, notifications). */
const eventListeners = new Set<(events: EngineEvent[]) => void>();
let releaseLock: (() => void) | null = null;
let quitting = false;

// The app log: JSON lines in tasklane.log of Electron's log folder, rotated by size.
jsonLinesFor(log.transports.file);
logUncaught(log);
// Electron only warns about an unhandled rejection and goes on: it goes to the log, and on.
process.on('unhandledRejection', (reason) => log.error('unhandled rejection', reason));

if (!app.requestSingleInstanceLock()) app.quit();
else {
  app.on('second-instance', () => showWindow());
  app.whenReady().then(start).catch((e: unknown) => { log.error('Tasklane could not start', e); app.exit(1); });
}

function showWindow(): void {
  if (window && !window.isDestroyed()) { window.show(); window.focus(); return; }
  window = new BrowserWindow({
    width: 1200, height: 800, title: 'Tasklane', show: false,
    icon: join(root, 'resources', 'icon.png'),
    webPreferences: { preload: join(here, '..', 'preload', 'index.cjs'), contextIsolation: true, sandbox: true, nodeIntegration: false },
  });
  window.once('ready-to-show', () => window?.show());
  // The window shows our page only: links open in the browser, nothing navigates away.
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  window.webContents.on('will-navigate', (e, url) => { if (!isOurPage(url)) e.preventDefault(); });
  // Closing the window keeps Tasklane running in the tray; Quit is in the tray menu.
  window.on('close', (e) => { if (!quitting) { e.preventDefault(); window?.hide(); } });
  if (devUrl) void window.loadURL(devUrl);
  else void window.loadFile(pageFile);
}

async function start(): Promise<void> {
  // The folder `tasklane serve` and the `tasklane` command use too (not Electron's userData,
  // whose name differs between a checkout and a packaged app).
  const dataDir = defaultDataDir();
  try {
    releaseLock = acquireLock(files(dataDir).lock);
  } catch (e) {
    if (e instanceof LockedError) log.error(`${e.message}: stop \`tasklane serve\` first, or give the app another folder with TASKLANE_DATA_DIR`);
    throw e;
  }
  const { settings, problem } = readSettings(dataDir);
  if (problem) log.warn(problem);
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  // `npm start` keeps a copy of better-sqlite3 built for Electron apart from the one plain
  // Node uses (tests, `tasklane serve`); a packaged app has only the Electron build.
  const devBinding = join(root, '.electron-native', 'better_sqlite3.node');
  const open = () => startEngineThread({
    dataDir,
    port: DEFAULT_PORT,
    staticDir: dirname(pageFile),
    metrics: settings.metrics,
    notifications: Notification.isSupported(),
    nativeBinding: !app.isPackaged && existsSync(devBinding) ? devBinding : undefined,
  }, {
    onEvents: (events) => { for (const listener of eventListeners) listener(events); },
    // Reminders always; notices (the notification policy) while the window is not in front.
    // A click shows the window, with the notice's run open.
    onNotify: ({ title, body, urgency, runId, kind }) => {
      if (!Notification.isSupported() || (kind === 'notice' && window?.isFocused())) return;
      const n = new Notification({ title, body, urgency });
      n.on('click', () => {
        showWindow();
        if (runId !== null) window?.webContents.send('tasklane:open-run', runId);
      });
      n.show();
    },
    onLog: (level, text) => log[level](text),
    onExit: (code) => {
      log.error(`the engine stopped unexpectedly (exit ${code})`);
      dialog.showErrorBox('Tasklane stopped', `Tasklane's engine stopped unexpectedly (exit ${code}); see the log in ${log.transports.file.getFile().path}. Tasklane will close.`);
      quitting = true;
      app.exit(1);
    },
  });
  engine = await openOrAsk(open, join(dataDir, 'tasklane.db'));
  const thread = engine;
  log.info(`Tasklane is running on ${dataDir}; the \`tasklane\` command reaches it at ${thread.url}`
    + (settings.metrics ? `; metrics at ${thread.url}metrics` : ''));
  bindIpc(thread.call, (listener) => { eventListeners.add(listener); return () => eventListeners.delete(listener); }, () => window, isOurPage);

  tray = new Tray(nativeImage.createFromPath(join(root, 'resources', 'tray.png')));
  const read = async <T>(name: string): Promise<T | null> => {
    const outcome = await thread.call(name, {});
    return outcome.ok ? outcome.value as T : null;
  };
  const updateTray = async () => {
    if (!engine || !tray) return;
    const [counts, lanes] = await Promise.all([read<Counts>('counts'), read<Lane[]>('listLanes')]);
    if (!counts || !lanes || !tray) return;
    tray.setToolTip(trayTooltip(counts));
    tray.setContextMenu(Menu.buildFromTemplate(trayMenu(counts, lanes, {
      show: showWindow,
      pauseAll: () => { void thread.call('pauseAll', {}).then(() => updateTray()); },
      resumeAll: () => { void thread.call('resumeAll', {}).then(() => updateTray()); },
      quit: () => { quitting = true; app.quit(); },
    })));
  };
  // Refreshed with each batch of events (at most every 50 ms): counts are kept by the engine
  // (no table read), so there is no throttle; one read at a time, and one more after it when
  // events came meanwhile.
  let reading = false;
  let again = false;
  const refresh = () => {
    if (reading) { again = true; return; }
    reading = true;
    void updateTray().finally(() => {
      reading = false;
      if (again) { again = false; refresh(); }
    });
  };
  eventListeners.add(refresh);
  refresh();
  tray.on('click', showWindow);

  // The lid opened again: scheduled fires and retries that came due meanwhile run now.
  powerMonitor.on('resume', () => engine?.wake());
  // Started at login: stay in the tray (the window opens from it).
  const hidden = process.argv.includes(HIDDEN);
  if (!hidden) showWindow();
  if (app.isPackaged) {
    const { autoUpdater } = await import('electron-updater');
    autoUpdater.logger = log;
    autoUpdater.checkForUpdatesAndNotify().catch((e: unknown) => log.warn('update check failed', e));
  }
}

/**
 * Opens the engine; a database that cannot be used is explained, not crash-looped on. A
 * damaged file gets the person's choice: start fresh (the file is kept under a dated name),
 * restore one of the backups, or quit. Nothing is deleted without that choice.
 */
async function openOrAsk(open: () => Promise<EngineThread>, dbPath: string): Promise<EngineThread> {
  for (;;) {
    try {
      return await open();
    } catch (error) {
      if (!(error instanceof EngineThreadFailed) || !error.code.startsWith('STORAGE_')) throw error;
      log.error(error.message);
      if (error.code !== 'STORAGE_CORRUPT') {
        dialog.showErrorBox('Tasklane cannot open its database', error.message);
        app.exit(1);
        throw error;
      }
      const { response } = await dialog.showMessageBox({
        type: 'error', title: 'Tasklane', message: 'Tasklane\'s database is damaged', detail: error.message,
        buttons: ['Start fresh (keep a copy)', 'Restore a backup…', 'Quit'], defaultId: 2, cancelId: 2,
      });
      if (response === 0) setAside(dbPath, Date.now());
      else if (response === 1) {
        const picked = await dialog.showOpenDialog({ title: 'Restore a backup', defaultPath: backupsDir(dbPath),
          filters: [{ name: 'Tasklane backups', extensions: ['db'] }], properties: ['openFile'] });
        if (picked.canceled || !picked.filePaths[0]) continue;
        try { restoreDatabase(dbPath, picked.filePaths[0], Date.now()); } catch (e) { dialog.showErrorBox('Not restored', (e as Error).message); }
      } else {
        app.exit(1);
        throw error;
      }
    }
  }
}

app.on('window-all-closed', () => { /* stays in the tray */ });
app.on('before-quit', (e) => {
  if (!engine) return;
  quitting = true;
  e.preventDefault();
  const stopping = engine;
  engine = null;
  void (async () => {
    await stopping.stop(10_000);
    releaseLock?.();
    app.exit(0);
  })();
});

// `tasklane service install|uninstall|status`: Tasklane (`tasklane serve`) started at login,
// so schedules run after a reboot without opening the app. One file per system, generated
// here and tested by its content: a systemd user unit (Linux), a launchd agent (macOS), a
// Task Scheduler entry (Windows). Installing writes the file and asks the system to start
// it (unless --no-start); nothing else on the machine is touched.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** Set (to 1) where the system's service manager must not be asked: the file is written or
 *  removed, nothing is started or stopped. The tests run this way, never touching the
 *  machine's real services. */
export const DRY_RUN_ENV = 'TASKLANE_SERVICE_DRY_RUN';
const dryRun = () => process.env[DRY_RUN_ENV] === '1';

export type ServiceSystem = 'systemd' | 'launchd' | 'schtasks';
export const SERVICE_NAME = 'tasklane';
const LAUNCHD_LABEL = 'dev.tasklane.serve';

export interface ServiceSpec {
  /** The program that runs Node, and the `tasklane` script. */
  node: string;
  script: string;
  dataDir: string;
  port: number;
  /** Windows: the user whose logon starts it (DOMAIN\\name); a logon trigger for all users needs admin rights. */
  user?: string;
}

export function systemFor(platform: NodeJS.Platform = process.platform): ServiceSystem {
  return platform === 'darwin' ? 'launchd' : platform === 'win32' ? 'schtasks' : 'systemd';
}

/** Where the file goes (the user's own folders: no root needed). */
export function serviceFile(system: ServiceSystem, env: NodeJS.ProcessEnv = process.env, home = homedir()): string {
  if (system === 'systemd') return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'systemd', 'user', `${SERVICE_NAME}.service`);
  if (system === 'launchd') return join(home, 'Library', 'LaunchAgents', `${LAUNCHD_LABEL}.plist`);
  return join(env.LOCALAPPDATA || join(home, 'AppData', 'Local'), 'Tasklane', 'tasklane-login.xml');
}

const args = (s: ServiceSpec) => [s.script, 'serve', '--data-dir', s.dataDir, '--port', String(s.port)];

/** A systemd word: quoted, with `\`, `"`, the `%` specifier and `$` (variable) escaped. */
const systemdWord = (w: string) => `"${w.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/%/g, '%%').replace(/\$/g, '$$$$')}"`;
const xml = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** A Windows command-line argument, quoted as CommandLineToArgvW reads it. */
const winArg = (a: string) => (/[\s"]/.test(a) ? `"${a.replace(/(\\*)"/g, '$1$1\\"').replace(/(\\+)$/, '$1$1')}"` : a);

export function renderService(system: ServiceSystem, s: ServiceSpec): string {
  if (system === 'systemd') {
    return [
      '[Unit]',
      'Description=Tasklane: runs your jobs on this machine (tasklane serve)',
      '',
      '[Service]',
      'Type=simple',
      `ExecStart=${[s.node, ...args(s)].map(systemdWord).join(' ')}`,
      // serve stops running work within its own timeout (SIGTERM, then SIGKILL 5 s later).
      'KillSignal=SIGTERM',
      'TimeoutStopSec=30',
      'Restart=on-failure',
      'RestartSec=5',
      // 5: the database is damaged; 6: another Tasklane runs on the folder (the desktop app):
      // trying again every 5 s would not help.
      'RestartPreventExitStatus=5 6',
      '',
      '[Install]',
      'WantedBy=default.target',
      '',
    ].join('\n');
  }
  if (system === 'launchd') {
    const log = join(s.dataDir, 'serve.log');
    return [
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
      '<plist version="1.0">',
      '<dict>',
      `  <key>Label</key><string>${LAUNCHD_LABEL}</string>`,
      '  <key>ProgramArguments</key>',
      '  <array>',
      ...[s.node, ...args(s)].map((a) => `    <string>${xml(a)}</string>`),
      '  </array>',
      '  <key>RunAtLoad</key><true/>',
      '  <key>KeepAlive</key><dict><key>SuccessfulExit</key><false/></dict>',
      `  <key>StandardOutPath</key><string>${xml(log)}</string>`,
      `  <key>StandardErrorPath</key><string>${xml(log)}</string>`,
      '</dict>',
      '</plist>',
      '',
    ].join('\n');
  }
  return [
    '<?xml version="1.0" encoding="UTF-16"?>',
    '<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">',
    '  <RegistrationInfo><Description>Tasklane: runs your jobs on this machine (tasklane serve)</Description></RegistrationInfo>',
    `  <Triggers><LogonTrigger><Enabled>true</Enabled>${s.user ? `<UserId>${xml(s.user)}</UserId>` : ''}</LogonTrigger></Triggers>`,
    `  <Principals><Principal id="Author">${s.user ? `<UserId>${xml(s.user)}</UserId>` : ''}<LogonType>InteractiveToken</LogonType><RunLevel>LeastPrivilege</RunLevel></Principal></Principals>`,
    '  <Settings>',
    '    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>',
    '    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>',
    '    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>',
    '    <ExecutionTimeLimit>PT0S</ExecutionTimeLimit>',
    '    <RestartOnFailure><Interval>PT1M</Interval><Count>3</Count></RestartOnFailure>',
    '  </Settings>',
    '  <Actions Context="Author">',
    `    <Exec><Command>${xml(s.node)}</Command><Arguments>${xml(args(s).map(winArg).join(' '))}</Arguments></Exec>`,
    '  </Actions>',
    '</Task>',
    '',
  ].join('\r\n');
}

/** The system's own commands to start, stop and ask about the service. */
function commands(system: ServiceSystem, file: string) {
  const uid = process.getuid?.() ?? 0;
  if (system === 'systemd') {
    return {
      // restart: a second install (another port) takes effect now.
      start: [['systemctl', '--user', 'daemon-reload'], ['systemctl', '--user', 'enable', `${SERVICE_NAME}.service`],
        ['systemctl', '--user', 'restart', `${SERVICE_NAME}.service`]],
      before: [],
      stop: [['systemctl', '--user', 'disable', '--now', `${SERVICE_NAME}.service`]],
      after: [['systemctl', '--user', 'daemon-reload']],
      status: ['systemctl', '--user', 'is-active', `${SERVICE_NAME}.service`],
    };
  }
  if (system === 'launchd') {
    return {
      start: [['launchctl', 'bootstrap', `gui/${uid}`, file]],
      // An agent loaded already (a second install) is unloaded first, or bootstrap fails.
      before: [['launchctl', 'bootout', `gui/${uid}`, file]],
      stop: [['launchctl', 'bootout', `gui/${uid}`, file]],
      after: [],
      status: ['launchctl', 'print', `gui/${uid}/${LAUNCHD_LABEL}`],
    };
  }
  return {
    start: [['schtasks', '/Create', '/TN', 'Tasklane', '/XML', file, '/F'], ['schtasks', '/Run', '/TN', 'Tasklane']],
    before: [['schtasks', '/End', '/TN', 'Tasklane']],
    stop: [['schtasks', '/End', '/TN', 'Tasklane'], ['schtasks', '/Delete', '/TN', 'Tasklane', '/F']],
    after: [],
    status: ['schtasks', '/Query', '/TN', 'Tasklane'],
  };
}

function run(cmd: string[]): { ok: boolean; out: string } {
  const r = spawnSync(cmd[0], cmd.slice(1), { encoding: 'utf8' });
  if (r.error) return { ok: false, out: `${cmd[0]}: ${r.error.message}` };
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}`.trim() };
}

export interface ServiceState { system: ServiceSystem; file: string; installed: boolean; running: boolean | null; detail: string }

export function installService(spec: ServiceSpec, opts: { start: boolean; system?: ServiceSystem }): ServiceState {
  const system = opts.system ?? systemFor();
  const file = serviceFile(system);
  mkdirSync(dirname(file), { recursive: true });
  // launchd writes its log into the data folder, and does not make folders.
  mkdirSync(resolve(spec.dataDir), { recursive: true, mode: 0o700 });
  const text = renderService(system, spec);
  writeFileSync(file, system === 'schtasks' ? `\ufeff${text}` : text, system === 'schtasks' ? 'utf16le' : 'utf8');
  if (!opts.start) return { system, file, installed: true, running: null, detail: 'written; not started (--no-start)' };
  if (dryRun()) return { system, file, installed: true, running: null, detail: `written; not started (${DRY_RUN_ENV})` };
  for (const cmd of commands(system, file).before) run(cmd);
  for (const cmd of commands(system, file).start) {
    const r = run(cmd);
    if (!r.ok) return { system, file, installed: true, running: false, detail: `written, but \`${cmd.join(' ')}\` failed: ${r.out}` };
  }
  return serviceStatus(system);
}

export function uninstallService(opts: { system?: ServiceSystem } = {}): ServiceState {
  const system = opts.system ?? systemFor();
  const file = serviceFile(system);
  const said: string[] = [];
  const existed = existsSync(file);
  if (existed) {
    for (const cmd of dryRun() ? [] : commands(system, file).stop) {
      const r = run(cmd);
      if (!r.ok) said.push(`\`${cmd.join(' ')}\`: ${r.out}`);
    }
    rmSync(file, { force: true });
    if (!dryRun()) for (const cmd of commands(system, file).after) run(cmd);
  }
  if (!existed) return { system, file, installed: false, running: false, detail: 'not installed; nothing to remove' };
  return { system, file, installed: false, running: false, detail: said.length ? `removed; ${said.join('; ')}` : 'removed' };
}

export function serviceStatus(system: ServiceSystem = systemFor()): ServiceState {
  const file = serviceFile(system);
  const installed = existsSync(file);
  if (!installed) return { system, file, installed, running: false, detail: 'not installed' };
  if (dryRun()) return { system, file, installed, running: null, detail: `installed; not asked (${DRY_RUN_ENV})` };
  const r = run(commands(system, file).status);
  // No user session manager to ask (a container, an SSH session without lingering): say so.
  if (!r.ok && /bus|Failed to connect|not found|ENOENT/i.test(r.out)) return { system, file, installed, running: null, detail: `installed; cannot ask the system (${r.out})` };
  return { system, file, installed, running: r.ok, detail: r.ok ? 'installed and running' : `installed, not running (${r.out || 'inactive'})` };
}

// The `tasklane` command: `serve` runs the engine headless; every other verb talks to the
// running app (desktop or serve) through the contract, and every verb takes --json.
//
// Exit codes: 0 done · 1 a command failed (or a waited-for run did not succeed)
//             2 `wait` timed out · 3 Tasklane is not running · 4 bad usage or input
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { CommandError, NotRunningError } from './client';
import { defaultDataDir } from '../host/paths';
import { TasklaneError } from '../core/errors';
import { registerDbVerbs } from './db-verbs';
import { cliContext } from './kit';
import { registerRunVerbs } from './verbs/runs';
import { registerTaskVerbs } from './verbs/tasks';
import { registerLaneVerbs } from './verbs/lanes';
import { registerSetupVerbs } from './verbs/setup';
import { registerInboxVerbs } from './verbs/inbox';

/** Error codes of input the person can fix (a bad value; a run, task or lane that does not
 *  exist; a run not in a state for that, e.g. retrying a succeeded run): exit 4. */
const USAGE_CODES = ['INVALID_INPUT', 'UNKNOWN_KIND', 'INVALID_SCHEDULE', 'INVALID_QUERY', 'NOT_FOUND', 'LANE_NOT_FOUND', 'INVALID_TRANSITION',
  'LANE_EXISTS', 'TASK_EXISTS', 'LANE_NOT_EMPTY', 'LANE_PROTECTED'];

export function buildProgram(opts: { json?: boolean } = {}): Command {
  const program = new Command('tasklane')
    .description('Run your jobs on your own machine: a durable queue with lanes, retries and schedules.')
    .option('--data-dir <dir>', 'data folder (default: the desktop app\'s; or $TASKLANE_DATA_DIR)')
    .showHelpAfterError(!opts.json)
    .exitOverride();
  // With --json, a usage error commander finds is JSON too.
  if (opts.json) {
    program.configureOutput({
      outputError: (text, write) => write(`${JSON.stringify({ error: { code: 'INVALID_INPUT', message: text.replace(/^error: /, '').trim() } })}\n`),
    });
  }
  const dataDir = () => program.opts<{ dataDir?: string }>().dataDir ?? defaultDataDir();
  const cli = cliContext(program, dataDir);
  registerRunVerbs(cli);
  registerTaskVerbs(cli);
  registerLaneVerbs(cli);
  registerSetupVerbs(cli);
  registerInboxVerbs(cli);
  registerDbVerbs(program, dataDir);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  // With --json, an error is JSON too (on stderr): { "error": { "code", "message", "field"? } }.
  const json = argv.includes('--json');
  const program = buildProgram({ json });
  const say = (code: string, message: string, field?: string) => console.error(json
    ? JSON.stringify({ error: { code, message, ...(field && { field }) } })
    : `error: ${message}${field ? ` [${field}]` : ''} (${code})`);
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof InvalidArgumentError) {
      // A value a verb could not read (thrown inside it: commander has not said it).
      say('INVALID_INPUT', error.message);
      process.exit(4);
    } else if (error instanceof CommanderError) {
      process.exit(error.exitCode === 0 ? 0 : 4);
    } else if (error instanceof NotRunningError) {
      if (json) say('NOT_RUNNING', error.message); else console.error(error.message);
      process.exit(3);
    } else if (error instanceof CommandError) {
      say(error.error.code, error.error.message, error.error.field);
      process.exit(USAGE_CODES.includes(error.error.code) ? 4 : 1);
    } else if (error instanceof TasklaneError) {
      // A fault found here (a damaged or read-only database, a file to restore): what to do, no stack.
      say(error.code, error.message);
      process.exit(error.code === 'INVALID_INPUT' || error.code === 'NOT_FOUND' ? 4 : 1);
    } else if ((error as { usage?: boolean }).usage) {
      say('INVALID_INPUT', (error as Error).message);
      process.exit(4);
    } else {
      say('INTERNAL', (error as Error).message ?? String(error));
      if (process.env.TASKLANE_DEBUG) console.error(error);
      process.exit(1);
    }
  }
}


// Verbs on lanes: lanes, lane add|set|rm, pause and resume (one lane, or all).
import { Command, Option } from 'commander';
import type { Lane } from '../../core/api/types';
import { rateText } from '../../shared/words';
import { parseInteger, parseRate, table } from '../format';
import { out, verb, type Cli } from '../kit';

const laneText = (l: Lane) => `lane ${l.name}: ${l.concurrency} at once, ${rateText(l.rateLimit)}${l.pauseOnFailure ? ', pauses on failure' : ''}${pausedText(l)}`;
/** ", paused", with the engine's reason when it paused the lane. */
const pausedText = (l: Lane) => (l.paused ? `, paused${l.pausedReason ? `: ${l.pausedReason}` : ''}` : '');

export function registerLaneVerbs(cli: Cli): void {
  const { program, client } = cli;
  verb(program, 'lanes', 'list lanes').action(async (o: { json?: boolean }) => {
    const lanes = await client().call('listLanes', {});
    out(lanes, o.json, () => table(['LANE', 'AT ONCE', 'RATE', 'PAUSED', 'RUNNING', 'QUEUED'],
      lanes.map((l) => [l.name, l.concurrency, l.rateLimit ? rateText(l.rateLimit) : '', l.paused ? (l.pausedReason ? `yes: ${l.pausedReason}` : 'yes') : 'no', l.running, l.queued])));
  });

  const lane = program.command('lane').description('add, change or remove a lane');
  const laneOptions = (c: Command) => c
    .option('--concurrency <n>', 'runs at once (1 = one at a time)', parseInteger)
    .addOption(new Option('--rate <n/interval>', 'at most n starts per interval, e.g. 10/1s or 100/1m; "none" to remove')
      .argParser((v) => (v === 'none' ? null : parseRate(v))))
    .option('--pause-on-failure', 'pause the lane when one of its runs fails or goes dead')
    .option('--no-pause-on-failure', 'do not pause the lane on a failure (the default)');
  type LaneOpts = { concurrency?: number; rate?: { max: number; intervalMs: number } | null; pauseOnFailure?: boolean; json?: boolean };
  const laneFields = (o: LaneOpts) => ({
    ...(o.concurrency !== undefined && { concurrency: o.concurrency }), ...(o.rate !== undefined && { rateLimit: o.rate }),
    ...(o.pauseOnFailure !== undefined && { pauseOnFailure: o.pauseOnFailure }),
  });
  laneOptions(verb(lane, 'add', 'add a lane')).argument('<name>')
    .action(async (name: string, o: LaneOpts) => {
      const l = await client().call('createLane', { name, ...laneFields(o) });
      out(l, o.json, () => laneText(l));
    });
  laneOptions(verb(lane, 'set', 'change a lane\'s concurrency, rate limit or pause on failure (takes effect at once)')).argument('<name>')
    .action(async (name: string, o: LaneOpts) => {
      const l = await client().call('updateLane', { name, ...laneFields(o) });
      out(l, o.json, () => laneText(l));
    });
  verb(lane, 'rm', 'remove a lane that has no waiting or running runs and no tasks').argument('<name>')
    .action(async (name: string, o: { json?: boolean }) => {
      const result = await client().call('deleteLane', { name });
      out(result, o.json, () => `lane ${name} removed`);
    });

  verb(program, 'pause', 'pause one lane, or all: running runs finish, no new ones start').argument('[lane]')
    .action(async (name: string | undefined, o: { json?: boolean }) => {
      const result = name ? await client().call('pauseLane', { name }) : await client().call('pauseAll', {});
      out(result, o.json, () => `paused ${name ? `lane ${name}` : 'all lanes'}`);
    });
  verb(program, 'resume', 'resume one lane, or all').argument('[lane]')
    .action(async (name: string | undefined, o: { json?: boolean }) => {
      const result = name ? await client().call('resumeLane', { name }) : await client().call('resumeAll', {});
      out(result, o.json, () => `resumed ${name ? `lane ${name}` : 'all lanes'}`);
    });
}

// Verbs on lanes: lanes, lane add|set|rm, pause and resume (one lane, or all).
import { Command, Option } from 'commander';
import type { Lane } from '../../core/api/types';
import { rateText } from '../../shared/words';
import { parseInteger, parseRate, table } from '../format';
import { out, verb, type Cli } from '../kit';

const laneText = (l: Lane) => `lane ${l.name}: ${l.concurrency} at once, ${rateText(l.rateLimit)}${l.paused ? ', paused' : ''}`;

export function registerLaneVerbs(cli: Cli): void {
  const { program, client } = cli;
  verb(program, 'lanes', 'list lanes').action(async (o: { json?: boolean }) => {
    const lanes = await client().call('listLanes', {});
    out(lanes, o.json, () => table(['LANE', 'AT ONCE', 'RATE', 'PAUSED', 'RUNNING', 'QUEUED'],
      lanes.map((l) => [l.name, l.concurrency, l.rateLimit ? rateText(l.rateLimit) : '', l.paused ? 'yes' : 'no', l.running, l.queued])));
  });

  const lane = program.command('lane').description('add, change or remove a lane');
  const laneOptions = (c: Command) => c
    .option('--concurrency <n>', 'runs at once (1 = one at a time)', parseInteger)
    .addOption(new Option('--rate <n/interval>', 'at most n starts per interval, e.g. 10/1s or 100/1m; "none" to remove')
      .argParser((v) => (v === 'none' ? null : parseRate(v))));
  laneOptions(verb(lane, 'add', 'add a lane')).argument('<name>')
    .action(async (name: string, o: { concurrency?: number; rate?: { max: number; intervalMs: number } | null; json?: boolean }) => {
      const l = await client().call('createLane', { name, ...(o.concurrency !== undefined && { concurrency: o.concurrency }), ...(o.rate !== undefined && { rateLimit: o.rate }) });
      out(l, o.json, () => laneText(l));
    });
  laneOptions(verb(lane, 'set', 'change a lane\'s concurrency or rate limit (takes effect at once)')).argument('<name>')
    .action(async (name: string, o: { concurrency?: number; rate?: { max: number; intervalMs: number } | null; json?: boolean }) => {
      const l = await client().call('updateLane', { name, ...(o.concurrency !== undefined && { concurrency: o.concurrency }), ...(o.rate !== undefined && { rateLimit: o.rate }) });
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

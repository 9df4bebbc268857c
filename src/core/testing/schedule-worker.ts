// A real engine process for the scheduler crash test: prints "fired <runId>" each time its
// schedules enqueue a new run. The test kills it with SIGKILL right after a fire.
import Database from 'better-sqlite3';
import { z } from 'zod';
import { createEngine } from '../index';

const dbPath = process.argv[2];
const peek = new Database(dbPath, { readonly: true });
const lastId = (peek.prepare('SELECT COALESCE(MAX(id), 0) FROM runs').pluck().get() as number);
peek.close();
const engine = createEngine({ dbPath, kinds: { noop: { input: z.unknown(), run: () => null } } });
// Runs re-queued by crash recovery are not fires.
engine.on('run.queued', (e) => { if (e.runId > lastId) process.stdout.write(`fired ${e.runId}\n`); });
engine.start();
// The engine's timers do not keep a process alive (a host's server does); this one must.
setInterval(() => {}, 1 << 30);

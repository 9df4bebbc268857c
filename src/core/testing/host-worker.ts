// A real engine process for the supervision tests: runs the database it is given and
// prints each log line of its runs ("log <runId> <text>"). The test SIGKILLs it while a
// shell run is at work, as a crash or a kill -9 of the app would.
import { createEngine } from '../index';

const [dbPath] = process.argv.slice(2);
const engine = createEngine({ dbPath });
engine.on('run.log', (e) => process.stdout.write(`log ${e.runId} ${e.text}\n`));
await engine.start();

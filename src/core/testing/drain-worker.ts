// A real engine process for the crash test: drains the database it is given, printing
// "succeeded N" as it goes and "idle" when nothing is left. The test SIGKILLs it mid-drain.
import { z } from 'zod';
import { createEngine } from '../index';

const [dbPath] = process.argv.slice(2);
const engine = createEngine({
  dbPath,
  kinds: {
    work: {
      input: z.object({ n: z.number() }),
      run: (_input: { n: number }, ctx) => new Promise((resolve) => {
        const t = setTimeout(resolve, 1);
        ctx.signal.addEventListener('abort', () => clearTimeout(t));
      }),
    },
  },
});
let succeeded = 0;
engine.on('run.succeeded', () => {
  if (++succeeded % 100 === 0) process.stdout.write(`succeeded ${succeeded}\n`);
});
engine.start();
await engine.idle();
await engine.stop();
process.stdout.write('idle\n');

// Kinds for benches that run the engine on its own thread (engine-thread.ts, kindsModule):
// the same as benchEngine's (engine.ts).
import { z } from 'zod';

export const kinds = {
  noop: { input: z.unknown(), run: () => null },
  logline: { input: z.unknown(), run: (_input: unknown, ctx: { runId: number; log(stream: 'stdout', text: string): void }) => {
    ctx.log('stdout', `run ${ctx.runId}: copied 12 files of photos`);
    return null;
  } },
};

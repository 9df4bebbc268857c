// Kinds for the scale bench, in its engine and in the engine thread (engine-thread.ts,
// kindsModule): a no-op, and one that writes a log line. (benchEngine in engine.ts keeps its
// own: A/B runs copy engine.ts alone into older checkouts.)
import { z } from 'zod';

export const kinds = {
  noop: { input: z.unknown(), run: () => null },
  logline: { input: z.unknown(), run: (_input: unknown, ctx: { runId: number; log(stream: 'stdout', text: string): void }) => {
    ctx.log('stdout', `run ${ctx.runId}: copied 12 files of photos`);
    return null;
  } },
};

// The `notify` kind: a reminder as a job. It hands the notification to the engine's
// notifier port (the desktop shell shows it; headless hosts log it and, on Linux, pass it
// to notify-send when that is installed).
import { spawn } from 'node:child_process';
import { z } from 'zod';
import type { KindDefinition } from '../kinds';
import type { Logger, Notification, Notifier } from '../ports';

export const notifyInput = z.strictObject({
  title: z.string().min(1).max(200),
  body: z.string().max(4000).default(''),
  urgency: z.enum(['low', 'normal', 'critical']).default('normal'),
});

export function headlessNotifier(logger: Logger): Notifier {
  return {
    notify(n: Notification) {
      logger.info(`notification: ${n.title}${n.body ? ` — ${n.body}` : ''}`);
      if (process.platform !== 'linux') return;
      return new Promise<void>((resolve) => {
        const child = spawn('notify-send', ['--urgency', n.urgency ?? 'normal', '--app-name', 'Tasklane', n.title, n.body], { stdio: 'ignore' });
        child.on('error', () => resolve());
        child.on('close', () => resolve());
      });
    },
  };
}

export function notifyKind(notifier: Notifier): KindDefinition<z.output<typeof notifyInput>> {
  return {
    input: notifyInput,
    run: async (input, ctx) => {
      await notifier.notify({ title: input.title, body: input.body, urgency: input.urgency, runId: ctx.runId });
      return { delivered: true };
    },
  };
}

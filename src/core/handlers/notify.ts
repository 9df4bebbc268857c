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
      // The test suites set this: their Tasklanes never put a notification on the desktop.
      if (process.platform !== 'linux' || process.env.TASKLANE_DESKTOP_NOTIFY === 'off') return false;
      return new Promise<boolean>((resolve) => {
        const child = spawn('notify-send', ['--urgency', n.urgency ?? 'normal', '--app-name', 'Tasklane', n.title, n.body], { stdio: 'ignore' });
        child.on('error', () => resolve(false));
        child.on('close', (code) => resolve(code === 0));
      });
    },
  };
}

export function notifyKind(notifier: Notifier): KindDefinition<z.output<typeof notifyInput>> {
  return {
    input: notifyInput,
    run: async (input, ctx) => {
      const shown = await notifier.notify({ title: input.title, body: input.body, urgency: input.urgency, runId: ctx.runId });
      if (shown === false) {
        ctx.log('info', 'No desktop notification could be shown here (headless: install notify-send, from libnotify-bin, '
          + 'or use the desktop app); the reminder was written to Tasklane\'s log only.');
        return { delivered: false };
      }
      return { delivered: true };
    },
  };
}

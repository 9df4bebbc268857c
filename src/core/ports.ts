// What the engine needs from the world around it, and nothing more: where its messages go
// (Logger), how a notification reaches the person (Notifier), and its one source of time
// (Clock). Hosts pass their own (electron-log and desktop notifications in the app; the
// console and notify-send in serve; a fake clock in tests). Nothing in the engine imports
// a host, and nothing here imports the engine.
export type { Clock } from './util/clock';

export interface Logger {
  info(message: string, ...rest: unknown[]): void;
  warn(message: string, ...rest: unknown[]): void;
  error(message: string, ...rest: unknown[]): void;
}

/** `kind`: a reminder (a notify run) or a notice (the notification policy: a failure, …). */
export interface Notification { title: string; body: string; urgency?: 'low' | 'normal' | 'critical'; runId?: number; kind?: 'reminder' | 'notice' }
/** `notify` says whether the notification was shown (false: there is no way to show one
 *  here, e.g. no notify-send on a headless Linux; undefined: shown as far as it knows). */
export interface Notifier { notify(notification: Notification): void | boolean | Promise<void | boolean> }

/** The default: warnings and errors on stderr. */
export const stderrLogger: Logger = {
  info: () => {},
  warn: (m, ...r) => console.warn(`[tasklane] ${m}`, ...r),
  error: (m, ...r) => console.error(`[tasklane] ${m}`, ...r),
};

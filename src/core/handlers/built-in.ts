// The kinds every engine has, in one list: the composition root (engine.ts) registers them
// and the plugin loader refuses their names.
import type { KindDefinition } from '../kinds';
import type { Notifier } from '../ports';
import { httpKind } from './http';
import { notifyKind } from './notify';
import { shellKind } from './shell';
import { reportKind, type ReportPorts } from './report';

export const BUILT_IN_KINDS: Record<string, (ports: { notifier: Notifier; reports: ReportPorts }) => KindDefinition<any>> = {
  shell: () => shellKind,
  http: () => httpKind,
  notify: ({ notifier }) => notifyKind(notifier),
  report: ({ reports }) => reportKind(reports),
};

export const BUILT_IN_KIND_NAMES: ReadonlySet<string> = new Set(Object.keys(BUILT_IN_KINDS));

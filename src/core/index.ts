// Tasklane's engine, for hosts (Electron main, `tasklane serve`, tests and benches).
export { createEngine, type Engine, type EngineOptions } from './engine';
export { dispatch } from './commands';
export type { Logger, Notifier, Notification } from './ports';
export type { KindDefinition, RunContext } from './kinds';
export { KindError } from './kinds';
export { TasklaneError } from './errors';
export { headlessNotifier } from './handlers/notify';
export type * from './api/types';

// The names of the contract's commands as plain data, for the Electron preload (which
// builds one function per command and cannot load the engine). contract.ts checks at
// compile time that this list and its COMMANDS map name the same commands.
export const COMMAND_NAMES = [
  'enqueue', 'enqueueMany', 'cancel', 'retry', 'discard', 'getRun', 'listRuns', 'counts', 'getLogs', 'tailLogs',
  'prune', 'listLanes', 'createLane', 'updateLane', 'pauseLane', 'resumeLane', 'pauseAll', 'resumeAll', 'deleteLane',
  'listTasks', 'createTask', 'updateTask', 'deleteTask', 'runTask', 'setSchedule', 'pauseSchedule', 'resumeSchedule',
  'clearSchedule', 'previewSchedule', 'explainMissed', 'listPlugins', 'reloadPlugins', 'exportConfig', 'importConfig',
] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

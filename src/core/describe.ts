// A command's input as JSON Schema, from its one registration in the contract (zod 4's
// toJSONSchema, as the kinds' inputs are described): the window's forms read bounds, choices
// and defaults from it instead of repeating them, and scripts can ask what a command takes.
import { z } from 'zod';
import { COMMANDS, isCommand } from './api/contract';
import type { CommandInfo } from './api/types';
import { TasklaneError } from './errors';

const made = new Map<string, CommandInfo>();

export function describeCommand(name: string): CommandInfo {
  if (!isCommand(name)) throw new TasklaneError('NOT_FOUND', `there is no command '${name}'`, 'name');
  let info = made.get(name);
  if (!info) {
    const c = COMMANDS[name];
    // 'any' for what JSON Schema cannot say (a refinement across fields): the engine still checks it.
    const input = z.toJSONSchema(c.input, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
    info = { name, mutates: c.mutates, input };
    made.set(name, info);
  }
  return info;
}

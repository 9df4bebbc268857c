// The CLI's side of the contract: finds the running app through the endpoint file in the
// data folder and calls its commands over 127.0.0.1.
import type { CommandName, CommandResult, Outcome } from '../core/api/contract';
import type { ErrorShape } from '../core/errors';
import { readEndpoint } from '../host/paths';

export class NotRunningError extends Error {
  constructor(dataDir?: string) {
    super(`Tasklane is not running${dataDir ? ` on ${dataDir}` : ''} (start the app, or \`tasklane serve\`${dataDir ? ` with --data-dir ${dataDir}` : ''})`);
  }
}
export class CommandError extends Error {
  constructor(readonly error: ErrorShape) { super(error.field ? `${error.message}` : error.message); }
}

export function createClient(dataDir: string) {
  const call = async <N extends CommandName>(name: N, input: unknown = {}): Promise<CommandResult<N>> => {
    // Read each time: the app may have restarted on another port (wait and logs --follow live long).
    const found = readEndpoint(dataDir);
    if (!found) throw new NotRunningError(dataDir);
    let res: Response;
    try {
      res = await fetch(`http://127.0.0.1:${found.endpoint.port}/api/${name}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${found.token}`, 'content-type': 'application/json', 'x-tasklane-origin': 'cli' },
        body: JSON.stringify(input),
      });
    } catch {
      throw new NotRunningError(dataDir);
    }
    const outcome = (await res.json()) as Outcome<CommandResult<N>>;
    if (!outcome.ok) throw new CommandError(outcome.error);
    return outcome.value;
  };
  return { call };
}

export type Client = ReturnType<typeof createClient>;

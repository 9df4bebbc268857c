// Starts the engine thread from its TypeScript source (tests, a checkout run through tsx);
// the desktop app's bundle runs the built engine-thread.js instead.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);

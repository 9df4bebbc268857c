#!/usr/bin/env node
// The `tasklane` command. Runs the TypeScript sources through tsx, so a clone needs no build.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
await main(process.argv);

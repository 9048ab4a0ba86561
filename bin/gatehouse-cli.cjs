#!/usr/bin/env node
'use strict';
// `gatehouse`, the command line (cli/main.ts; docs/cli.md). The CLI is TypeScript run without a
// build step: tsx compiles it on load, in this process, as `node --import tsx` would, so no tsx
// process sits between npm and the gateway (a signal sent to npm start reaches the process that serves).
// A reader that stops early (`gatehouse plan | head`) is not an error.
process.stdout.on('error', (err) => { if (err.code === 'EPIPE') process.exit(0); else throw err; });
import('tsx').then(() => require('../cli/main.ts').runAndExit(process.argv.slice(2)));

#!/usr/bin/env node
// The `berth` binary: hands argv and the process's streams to pkg/cli and exits with its status.
import { main } from '../../pkg/cli/main.js';

// A reader that went away (`berth logs x | head`) ends us like docker: message, status 1.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
  process.stderr.write('write /dev/stdout: broken pipe\n');
  process.exit(1);
});

const code = await main(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env, process });
process.exit(code);

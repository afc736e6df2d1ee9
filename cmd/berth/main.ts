#!/usr/bin/env node
// The `berth` binary: hands argv and the process's streams to pkg/cli and exits with its status.
import { main } from '../../pkg/cli/main.js';

const code = await main(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env, process });
process.exit(code);

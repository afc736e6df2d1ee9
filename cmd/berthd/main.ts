#!/usr/bin/env node
// berthd: the Berth engine daemon. Parses flags, wires pkg/engine, serves the Engine API.
import { main } from './daemon.js';

main(process.argv).catch((err: unknown) => {
  process.stderr.write(`berthd: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

// Compiles the C parts of Berth (the per-container monitor) into dist/native/.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';

mkdirSync('dist/native', { recursive: true });
const cc = process.env.CC || 'cc';
execFileSync(
  cc,
  ['-O2', '-Wall', '-Wextra', '-Werror', '-o', 'dist/native/berth-monitor', 'pkg/engine/runtime/monitor/berth-monitor.c'],
  { stdio: 'inherit' },
);

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { RAFT_ERROR_CODES, RaftError } from './errors.js';

test('every error code is documented in README.md, and every documented code exists', () => {
  const readme = readFileSync(fileURLToPath(new URL('./README.md', import.meta.url)), 'utf8');
  const section = readme.slice(readme.indexOf('## Errors'));
  const documented = [...section.matchAll(/^\| `([a-z_]+)` \|/gm)].map((m) => m[1]);
  expect([...documented].sort()).toEqual([...RAFT_ERROR_CODES].sort());
});

test('retryable codes are exactly the ones the README lists first', () => {
  const retryable = RAFT_ERROR_CODES.filter((code) => new RaftError(code, 'x').retryable);
  expect(retryable.sort()).toEqual(['aborted', 'no_leader', 'proposal_dropped', 'timeout']);
});

// Golden-output raft scenarios: each testdata/*.txt file is run command by command and every
// output compared with the text under its `----`. RAFT_UPDATE=1 rewrites the files instead
// (review the diff before committing it).

import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { InteractionEnv, parseScenario, renderScenario } from './interaction.js';

const dir = join(fileURLToPath(new URL('.', import.meta.url)), '..', 'testdata');
const update = process.env.RAFT_UPDATE === '1';

describe('raft interaction scenarios', () => {
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.txt')).sort()) {
    test(file, () => {
      const path = join(dir, file);
      const text = readFileSync(path, 'utf8');
      const env = new InteractionEnv();
      const outputs = new Map<number, string>();
      const mismatches: string[] = [];
      for (const d of parseScenario(text)) {
        const actual = env.handle(d);
        outputs.set(d.lineNumber, actual);
        if (actual !== d.expected) {
          mismatches.push(`${file}:${d.lineNumber}: ${d.line}\n--- expected\n${d.expected}\n--- actual\n${actual}`);
        }
      }
      if (update) {
        writeFileSync(path, renderScenario(text, outputs));
        return;
      }
      // Report the first mismatch in full; later ones usually follow from it.
      expect(mismatches[0] ?? '', `${mismatches.length} mismatching outputs; RAFT_UPDATE=1 rewrites`).toBe('');
    });
  }
});

import { describe, expect, test } from 'vitest';
import { memoryFileSystem, loadProject } from '../../compose/index.js';
import { parseScale } from './up.js';

const project = loadProject({ cwd: '/p', env: {}, fs: memoryFileSystem({ '/p/compose.yaml': 'services:\n  web: { image: busybox }\n  db: { image: busybox }\n' }) });

describe('parseScale', () => {
  test('SERVICE=NUM per flag; unknown services and bad numbers are errors', () => {
    expect(parseScale(['web=3', 'db=0'], project)).toEqual({ web: 3, db: 0 });
    expect(() => parseScale(['web'], project)).toThrow('invalid --scale value "web": expected SERVICE=NUM');
    expect(() => parseScale(['web=-1'], project)).toThrow('expected SERVICE=NUM');
    expect(() => parseScale(['cache=2'], project)).toThrow('no such service: cache');
  });
});

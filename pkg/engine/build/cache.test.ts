import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { BuildArgs } from './build-args.js';
import { BuildCache, cacheKey, canonicalJson } from './cache.js';

describe('cacheKey', () => {
  const probe = { Cmd: ['/bin/sh', '-c', '#(nop) ', 'ENV A=1'], Env: ['PATH=/bin', 'A=1'], Labels: { b: '2', a: '1' } };

  test('is stable whatever the key order of the config', () => {
    const reordered = { Labels: { a: '1', b: '2' }, Env: ['PATH=/bin', 'A=1'], Cmd: ['/bin/sh', '-c', '#(nop) ', 'ENV A=1'] };
    expect(cacheKey('sha256:p', probe)).toBe(cacheKey('sha256:p', reordered));
  });

  test('changes with the parent, the command, the environment and copied content', () => {
    const key = cacheKey('sha256:p', probe);
    expect(cacheKey('sha256:q', probe)).not.toBe(key);
    expect(cacheKey('sha256:p', { ...probe, Cmd: ['/bin/sh', '-c', '#(nop) ', 'ENV A=2'] })).not.toBe(key);
    expect(cacheKey('sha256:p', { ...probe, Env: ['PATH=/bin'] })).not.toBe(key);
    const copy = (hash: string) => ({ Cmd: ['/bin/sh', '-c', `#(nop) COPY file:${hash} in /app `] });
    expect(cacheKey('sha256:p', copy('aa'))).not.toBe(cacheKey('sha256:p', copy('ab')));
  });

  test('ignores undefined fields', () => {
    expect(canonicalJson({ a: 1, b: undefined })).toBe('{"a":1}');
  });
});

describe('BuildArgs', () => {
  test('--build-arg overrides a declared default; undeclared args are not in effect', () => {
    const args = BuildArgs.create(new Map([['V', '2'], ['UNUSED', 'x']])).forStage();
    args.declare('V', '1');
    args.declare('W', 'w');
    expect(args.notOverriddenBy([])).toEqual(['V=2', 'W=w']);
    expect(args.unusedWarning()).toBe('[Warning] One or more build-args [UNUSED] were not consumed\n');
  });

  test('ENV beats ARG of the same name', () => {
    const args = BuildArgs.create(new Map()).forStage();
    args.declare('V', '1');
    expect(args.notOverriddenBy(['V=env'])).toEqual([]);
  });

  test('a stage sees a global ARG only after declaring it, with the global default', () => {
    const top = BuildArgs.create(new Map());
    top.declareMeta('VERSION', '1.0');
    expect(top.metaValues()).toEqual(new Map([['VERSION', '1.0']]));
    const stage = top.forStage();
    expect(stage.allowedValues()).toEqual(new Map());
    stage.declare('VERSION', undefined);
    expect(stage.allowedValues()).toEqual(new Map([['VERSION', '1.0']]));
  });

  test('proxy args need no ARG line and stay out of the RUN cache prefix unless declared', () => {
    const args = BuildArgs.create(new Map([['http_proxy', 'http://proxy:3128'], ['V', '2']])).forStage();
    args.declare('V', undefined);
    const env = args.notOverriddenBy([]);
    expect(env.sort()).toEqual(['V=2', 'http_proxy=http://proxy:3128']);
    expect(args.prefixCommand(env, ['/bin/sh', '-c', 'make'])).toEqual(['|1', 'V=2', '/bin/sh', '-c', 'make']);
    expect(args.unusedWarning()).toBeUndefined();
    args.declare('http_proxy', undefined);
    expect(args.prefixCommand(env, ['x'])).toEqual(['|2', 'V=2', 'http_proxy=http://proxy:3128', 'x']);
  });

  test('no args in effect leaves the command alone', () => {
    expect(BuildArgs.create(new Map()).prefixCommand([], ['a'])).toEqual(['a']);
  });
});

describe('BuildCache', () => {
  let dir = '';
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('persists entries and forgets those whose image is gone', async () => {
    dir = await mkdtemp(join(tmpdir(), 'berth-cache-'));
    const cache = new BuildCache(dir);
    await cache.open(() => true);
    await cache.set('k1', 'sha256:1');
    await cache.set('k2', 'sha256:2');
    const reopened = new BuildCache(dir);
    await reopened.open((id) => id !== 'sha256:2');
    expect(reopened.get('k1', () => true)).toBe('sha256:1');
    expect(reopened.get('k2', () => true)).toBeUndefined();
    expect((await readFile(join(dir, 'index.jsonl'), 'utf8')).trim().split('\n')).toHaveLength(1);
    expect(reopened.get('k1', () => false)).toBeUndefined();
  });

  test('a torn last line is dropped', async () => {
    dir = await mkdtemp(join(tmpdir(), 'berth-cache-'));
    await writeFile(join(dir, 'index.jsonl'), '{"key":"a","image":"sha256:a"}\n{"key":"b","ima');
    const cache = new BuildCache(dir);
    await cache.open(() => true);
    expect(cache.size).toBe(1);
  });
});

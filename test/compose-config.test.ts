// Golden corpora for `berth compose config`: test/compose/config/<case>/ holds compose files, an
// optional args.json (flags and environment) and the expected output; test/compose/bad/<case>/
// holds a malformed project and the expected one-line error with its exit code. Pure: no engine,
// no root. UPDATE_GOLDEN=1 rewrites the expected files (review every diff by hand).

import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ComposeError, nodeFileSystem, runComposeConfig, type ConfigCommandOptions } from '../pkg/compose/index.js';

const ROOT = join(import.meta.dirname, 'compose');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

interface CaseArgs {
  files?: string[];
  projectName?: string;
  projectDirectory?: string;
  profiles?: string[];
  envFiles?: string[];
  env?: Record<string, string>;
  services?: string[];
  format?: 'yaml' | 'json';
  listServices?: boolean;
  listVolumes?: boolean;
  listNetworks?: boolean;
  listProfiles?: boolean;
  listImages?: boolean;
  hash?: string;
  /** Expected output file name (default expected.yaml / expected.json). */
  expected?: string;
}

function caseDirs(kind: 'config' | 'bad'): string[] {
  const dir = join(ROOT, kind);
  return readdirSync(dir)
    .filter((name) => existsSync(join(dir, name, 'args.json')) || readdirSync(join(dir, name)).some((f) => /\.ya?ml$/.test(f)))
    .sort();
}

function readArgs(dir: string): CaseArgs {
  const file = join(dir, 'args.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as CaseArgs) : {};
}

function optionsFor(dir: string, args: CaseArgs): ConfigCommandOptions {
  return {
    cwd: dir,
    env: { HOME: '/home/user', ...(args.env ?? {}) },
    fs: nodeFileSystem,
    files: args.files,
    projectName: args.projectName,
    projectDirectory: args.projectDirectory,
    profiles: args.profiles,
    envFiles: args.envFiles,
    services: args.services,
    format: args.format,
    listServices: args.listServices,
    listVolumes: args.listVolumes,
    listNetworks: args.listNetworks,
    listProfiles: args.listProfiles,
    listImages: args.listImages,
    hash: args.hash,
  };
}

/** Absolute paths of the case directory print as /project so goldens do not depend on the checkout. */
function portable(text: string, dir: string): string {
  return text.split(dir).join('/project');
}

describe('compose config corpus', () => {
  const cases = caseDirs('config');
  test('has at least 40 cases', () => expect(cases.length).toBeGreaterThanOrEqual(40));
  for (const name of cases) {
    test(name, () => {
      const dir = join(ROOT, 'config', name);
      const args = readArgs(dir);
      const output = portable(runComposeConfig(optionsFor(dir, args)), dir);
      const expectedFile = join(dir, args.expected ?? (args.format === 'json' ? 'expected.json' : 'expected.yaml'));
      if (UPDATE || !existsSync(expectedFile)) writeFileSync(expectedFile, output);
      expect(output).toBe(readFileSync(expectedFile, 'utf8'));
    });
  }
});

describe('compose bad-input corpus', () => {
  const cases = caseDirs('bad');
  test('has at least 30 cases', () => expect(cases.length).toBeGreaterThanOrEqual(30));
  for (const name of cases) {
    test(name, () => {
      const dir = join(ROOT, 'bad', name);
      const args = readArgs(dir);
      let error: unknown;
      try {
        runComposeConfig(optionsFor(dir, args));
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(ComposeError);
      const composeError = error as ComposeError;
      const actual = `exit ${composeError.exitCode}\n${portable(composeError.message, dir)}\n`;
      expect(composeError.message).not.toContain('\n');
      const expectedFile = join(dir, 'expected.txt');
      if (UPDATE || !existsSync(expectedFile)) writeFileSync(expectedFile, actual);
      expect(actual).toBe(readFileSync(expectedFile, 'utf8'));
    });
  }
});

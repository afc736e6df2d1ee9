import { describe, expect, test } from 'vitest';
import { parseCommandLine } from '../parse-args.js';
import { COMPOSE_COMMANDS, COMPOSE_FLAGS } from './specs.js';
import { composeHelp } from './main.js';

const spec = (name: string) => COMPOSE_COMMANDS.find((c) => c.path[1] === name)!;

describe('compose command specs', () => {
  test('up takes --build and --no-build as two flags', () => {
    const build = parseCommandLine(spec('up'), ['-d', '--build', 'web']);
    expect([build.flags.bool('build'), build.flags.bool('no-build'), build.flags.bool('detach'), build.args]).toEqual([true, false, true, ['web']]);
    const noBuild = parseCommandLine(spec('up'), ['--no-build']);
    expect([noBuild.flags.bool('build'), noBuild.flags.bool('no-build')]).toEqual([false, true]);
    expect(parseCommandLine(spec('up'), ['--scale', 'web=2', '--scale', 'db=0']).flags.list('scale')).toEqual(['web=2', 'db=0']);
  });

  test('compose-level flags stop at the subcommand; exec and run keep the command\'s own flags', () => {
    const root = parseCommandLine({ path: ['compose'], usage: '', description: '', interspersed: false, flags: COMPOSE_FLAGS, load: () => Promise.reject(new Error('unused')) }, ['-f', 'a.yml', '-f', 'b.yml', '-p', 'demo', 'up', '-d']);
    expect([root.flags.list('file'), root.flags.string('project-name'), root.args]).toEqual([['a.yml', 'b.yml'], 'demo', ['up', '-d']]);
    expect(parseCommandLine(spec('exec'), ['-T', 'web', 'ls', '-l']).args).toEqual(['web', 'ls', '-l']);
    expect(parseCommandLine(spec('exec'), ['-T', 'web', 'ls', '-l']).flags.bool('no-TTY')).toBe(true);
    expect(parseCommandLine(spec('run'), ['--rm', '-e', 'A=1', 'web', 'sh', '-c', 'exit 3']).args).toEqual(['web', 'sh', '-c', 'exit 3']);
  });

  test('every subcommand is listed in the help, in order', () => {
    const names = [...composeHelp(100).matchAll(/^ {2}([a-z]+) +/gm)].map((m) => m[1]);
    expect(names).toEqual(COMPOSE_COMMANDS.map((c) => c.path[1]).sort());
  });
});

import { describe, expect, test } from 'vitest';
import { DotEnvError, parseDotEnv } from './dotenv.js';

const parse = (src: string, env: Record<string, string> = {}): Record<string, string> => Object.fromEntries(parseDotEnv(src, (k) => env[k]));

describe('parseDotEnv', () => {
  test('compose dialect', () => {
    const src = [
      '# comment',
      'PLAIN=value',
      'SPACED = spaced value   ',
      'COMMENTED=value # comment',
      'HASH=a#b',
      'export EXPORTED=yes',
      'YAML_STYLE: colon',
      'SINGLE=\'raw ${PLAIN} \\n\'',
      'DOUBLE="expanded ${PLAIN}\\tTab"',
      'MULTI="line1',
      'line2"',
      'REF=${PLAIN}-${FROM_ENV}',
      'INHERITED',
      'MISSING_INHERITED',
      'EMPTY=',
    ].join('\n');
    expect(parse(src, { FROM_ENV: 'env', INHERITED: 'inherited' })).toEqual({
      PLAIN: 'value',
      SPACED: 'spaced value',
      COMMENTED: 'value',
      HASH: 'a#b',
      EXPORTED: 'yes',
      YAML_STYLE: 'colon',
      SINGLE: 'raw ${PLAIN} \\n',
      DOUBLE: 'expanded value\tTab',
      MULTI: 'line1\nline2',
      REF: 'value-env',
      INHERITED: 'inherited',
      EMPTY: '',
    });
  });
  test('the environment wins over earlier lines when expanding', () => expect(parse('A=file\nB=${A}', { A: 'env' }).B).toBe('env'));
  test('reports the line of an unterminated quote', () => {
    expect(() => parse('A=1\nB="open\n')).toThrow(DotEnvError);
    try {
      parse('A=1\nB="open\n');
    } catch (err) {
      expect((err as DotEnvError).line).toBe(2);
    }
  });
  test('rejects spaces and odd characters in keys', () => {
    expect(() => parse('MY KEY=1')).toThrow('key cannot contain a space');
    expect(() => parse('KEY!=1')).toThrow('unexpected character');
  });
});

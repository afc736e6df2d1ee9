import { describe, expect, test } from 'vitest';
import { substitute, TemplateError } from './template.js';

const env: Record<string, string> = { SET: 'value', EMPTY: '', lower: 'l' };
const lookup = (name: string): string | undefined => env[name];

describe('substitute', () => {
  const cases: Array<[string, string]> = [
    ['plain text', 'plain text'],
    ['$SET', 'value'],
    ['${SET}', 'value'],
    ['pre-${SET}-post', 'pre-value-post'],
    ['$SET/path', 'value/path'],
    ['${UNSET}', ''],
    ['${UNSET:-default}', 'default'],
    ['${EMPTY:-default}', 'default'],
    ['${EMPTY-default}', ''],
    ['${UNSET-default}', 'default'],
    ['${SET:+alt}', 'alt'],
    ['${EMPTY:+alt}', ''],
    ['${EMPTY+alt}', 'alt'],
    ['${UNSET+alt}', ''],
    ['${UNSET:-${SET}}', 'value'],
    ['${UNSET:-${ALSO_UNSET:-deep}}', 'deep'],
    ['${UNSET:-a}${SET}', 'avalue'],
    ['$$SET', '$SET'],
    ['$${SET}', '${SET}'],
    ['cost 5$', 'cost 5$'],
    ['$1 and $-', '$1 and $-'],
    ['${lower}', 'l'],
    ['${SET:?must be set}', 'value'],
    ['${EMPTY?only unset fails}', ''],
  ];
  for (const [template, expected] of cases) {
    test(`${template} -> ${JSON.stringify(expected)}`, () => expect(substitute(template, lookup)).toBe(expected));
  }

  test('names the missing variable and the reason', () => {
    expect(() => substitute('${DB:?set DB in .env}', lookup)).toThrow('required variable DB is missing a value: set DB in .env');
    expect(() => substitute('${EMPTY:?}', lookup)).toThrow('required variable EMPTY is missing a value');
  });

  test('rejects malformed references', () => {
    for (const bad of ['${', '${SET', '${}', '${SET:x}', '${1VAR}', '${SET bad}']) {
      expect(() => substitute(bad, lookup), bad).toThrow(TemplateError);
    }
  });

  test('evaluates a default only when it is used', () => {
    expect(substitute('${SET:-${MISSING:?never evaluated}}', lookup)).toBe('value');
  });
});

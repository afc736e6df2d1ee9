import { describe, expect, test } from 'vitest';
import { encodeAny, yamlKeyLess, sortKeys, type GoValue } from './encode.js';
import { marshalGoJson, marshalGoJsonIndent } from './gojson.js';
import { marshalGoYaml } from './goyaml.js';
import { formatGoFloat } from './dict.js';

const yaml = (value: unknown): string => marshalGoYaml(encodeAny(value, 'yaml'));

describe('marshalGoYaml (yaml.v3, indent 2)', () => {
  test('indents sequences under their key and items of mappings after the dash', () => {
    expect(yaml({ a: { list: ['x', 'y'], maps: [{ k: 1, l: true }] } })).toBe('a:\n  list:\n    - x\n    - "y"\n  maps:\n    - k: 1\n      l: true\n');
  });
  test('empty collections are flow style', () => expect(yaml({ m: {}, s: [] })).toBe('m: {}\ns: []\n'));
  test('null', () => expect(yaml({ v: null })).toBe('v: null\n'));
  test('keys that YAML 1.1 reads as booleans are quoted', () => expect(yaml({ n: 1, y: 2 })).toBe('"n": 1\n"y": 2\n'));
  const styles: Array<[string, string]> = [
    ['plain', 'plain'],
    ['8080', '"8080"'],
    ['1.5', '"1.5"'],
    ['true', '"true"'],
    ['yes', '"yes"'],
    ['off', '"off"'],
    ['', '""'],
    ['~', '"~"'],
    ['null', '"null"'],
    ['12:30', '"12:30"'],
    ['2024-01-31', '"2024-01-31"'],
    ['0x1F', '"0x1F"'],
    ['*star', "'*star'"],
    ['a: b', "'a: b'"],
    ['a #b', "'a #b'"],
    ['- x', "'- x'"],
    [' lead', "' lead'"],
    ["it's", "it's"],
    ["'quoted'", "'''quoted'''"],
    ['tab\there', '"tab\\there"'],
    ['http://x:80/y?a=b&c', 'http://x:80/y?a=b&c'],
    ['bell\u0007', '"bell\\a"'],
  ];
  for (const [value, printed] of styles) test(`${JSON.stringify(value)} prints as ${printed}`, () => expect(yaml({ k: value })).toBe(`k: ${printed}\n`));
  test('multi-line strings are literal blocks with the right chomping', () => {
    expect(yaml({ k: 'a\nb' })).toBe('k: |-\n  a\n  b\n');
    expect(yaml({ k: 'a\nb\n' })).toBe('k: |\n  a\n  b\n');
    expect(yaml({ k: 'a\n\n' })).toBe('k: |+\n  a\n\n');
    expect(yaml({ k: ' a\nb' })).toBe('k: |2-\n   a\n  b\n');
    expect(yaml({ l: ['a\nb'] })).toBe('l:\n  - |-\n    a\n    b\n');
    expect(yaml({ k: 'trailing \nspace' })).toBe('k: "trailing \\nspace"\n');
  });
  test('keys sort naturally like yaml.v3 (digits as numbers, symbols before letters)', () => {
    expect(sortKeys(['VAR10', 'VAR9', 'FOO_BAR', 'FOOBAR', 'a', 'B'], 'yaml')).toEqual(['B', 'FOO_BAR', 'FOOBAR', 'VAR9', 'VAR10', 'a']);
    expect(sortKeys(['VAR10', 'VAR9', 'FOO_BAR', 'FOOBAR'], 'json')).toEqual(['FOOBAR', 'FOO_BAR', 'VAR10', 'VAR9']);
    expect(yamlKeyLess('a', 'ab')).toBe(true);
  });
});

describe('Go JSON', () => {
  test('escapes HTML characters like encoding/json', () => expect(marshalGoJson(encodeAny({ u: '<a&b>' }, 'json'))).toBe('{"u":"\\u003ca\\u0026b\\u003e"}'));
  test('indents with two spaces and no trailing newline', () => expect(marshalGoJsonIndent(encodeAny({ a: [1], b: {} }, 'json'))).toBe('{\n  "a": [\n    1\n  ],\n  "b": {}\n}'));
  test('floats print like Go', () => {
    const f = (v: number, bits: 32 | 64): GoValue => ({ t: 'float', v, bits });
    expect(marshalGoJson(f(Math.fround(0.1), 32))).toBe('0.1');
    expect(marshalGoJson(f(1e21, 64))).toBe('1e+21');
    expect(formatGoFloat(1e6, 64, 'g')).toBe('1e+06');
    expect(formatGoFloat(123456, 64, 'g')).toBe('123456');
    expect(formatGoFloat(Math.fround(1.5), 32, 'g')).toBe('1.5');
  });
});

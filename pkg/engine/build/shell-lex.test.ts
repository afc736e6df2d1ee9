import { describe, expect, test } from 'vitest';
import { environmentOf, expandHeredoc, processWord, processWords } from './shell-lex.js';

const env = environmentOf(['NAME=world', 'EMPTY=', 'PATH=/usr/bin:/bin', 'SPACED=a b  c', 'FILE=archive.tar.gz']);

describe('processWord', () => {
  const cases: [string, string][] = [
    ['hello', 'hello'],
    ['$NAME', 'world'],
    ['${NAME}', 'world'],
    ['x${NAME}y', 'xworldy'],
    ['$UNSET', ''],
    ['"$NAME"', 'world'],
    ["'$NAME'", '$NAME'],
    ['\\$NAME', '$NAME'],
    ['"a\\"b"', 'a"b'],
    ['"keep\\n"', 'keep\\n'],
    ['a\\ b', 'a b'],
    ['$', '$'],
    ['cost: $5', 'cost: '],
    ['${UNSET:-fallback}', 'fallback'],
    ['${EMPTY:-fallback}', 'fallback'],
    ['${EMPTY-fallback}', ''],
    ['${UNSET-fallback}', 'fallback'],
    ['${NAME:-fallback}', 'world'],
    ['${NAME:+alt}', 'alt'],
    ['${EMPTY:+alt}', ''],
    ['${EMPTY+alt}', 'alt'],
    ['${UNSET:+alt}', ''],
    ['${UNSET:-$NAME}', 'world'],
    ['${UNSET:-"a b"}', 'a b'],
    ['${FILE#*.}', 'tar.gz'],
    ['${FILE##*.}', 'gz'],
    ['${FILE%.*}', 'archive.tar'],
    ['${FILE%%.*}', 'archive'],
    ['$PATH:/sbin', '/usr/bin:/bin:/sbin'],
  ];
  for (const [input, expected] of cases) {
    test(`${input} → ${JSON.stringify(expected)}`, () => expect(processWord(input, env)).toBe(expected));
  }

  test('${VAR:?msg} fails when unset or empty', () => {
    expect(() => processWord('${UNSET:?must be set}', env)).toThrow('UNSET: must be set');
    expect(() => processWord('${EMPTY:?}', env)).toThrow('EMPTY: is not allowed to be unset');
    expect(processWord('${NAME:?x}', env)).toBe('world');
  });

  test('unterminated quotes and braces are errors', () => {
    expect(() => processWord('"abc', env)).toThrow(/matching double-quote/);
    expect(() => processWord("'abc", env)).toThrow(/matching single-quote/);
    expect(() => processWord('${NAME', env)).toThrow(/missing '}'/);
    expect(() => processWord('${NAME:=x}', env)).toThrow(/unsupported modifier/);
  });

  test('the backtick escape character', () => {
    expect(processWord('a` b', env, { escape: '`' })).toBe('a b');
    expect(processWord('c:\\dir', env, { escape: '`' })).toBe('c:\\dir');
  });
});

describe('processWords', () => {
  test('splits on unquoted whitespace, including inside expanded values', () => {
    expect(processWords('80 $SPACED "x y"', env)).toEqual(['80', 'a', 'b', 'c', 'x y']);
  });

  test('keeps empty quoted words', () => {
    expect(processWords('a "" b', env)).toEqual(['a', '', 'b']);
  });
});

describe('expandHeredoc', () => {
  test('substitutes variables but keeps quotes and other backslashes', () => {
    expect(expandHeredoc('hello "$NAME" \'${NAME}\' \\$NAME \\n\n', env)).toBe('hello "world" \'world\' $NAME \\n\n');
  });
});

describe('environmentOf', () => {
  test('the first definition of a name wins', () => {
    expect(environmentOf(['A=1', 'B'], ['A=2', 'C=3'])).toEqual(new Map([['A', '1'], ['B', ''], ['C', '3']]));
  });
});

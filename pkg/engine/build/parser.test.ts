import { describe, expect, test } from 'vitest';
import { DockerfileParseError, extractFlags, parseDockerfile, parseHeredocWord, parseJsonArray, splitKeepingQuotes } from './parser.js';

const lines = (text: string): string[] => parseDockerfile(text).nodes.map((node) => `${node.startLine}-${node.endLine} ${node.keyword} ${node.rest}`);

describe('parseDockerfile', () => {
  test('skips comments and blank lines and numbers instructions by their first line', () => {
    const text = '# a comment\n\nFROM busybox\n   # indented comment\nRUN echo hi\n';
    expect(lines(text)).toEqual(['3-3 FROM busybox', '5-5 RUN echo hi']);
  });

  test('joins continuation lines, dropping comment lines inside them', () => {
    const parsed = parseDockerfile('FROM x\nRUN echo a \\\n# not part of it\n    && echo b \\\n  && echo c\n');
    expect(parsed.nodes[1]).toMatchObject({ keyword: 'RUN', rest: 'echo a     && echo b   && echo c', startLine: 2, endLine: 5 });
    expect(parsed.nodes[1].original).toBe('RUN echo a     && echo b   && echo c');
  });

  test('an escape character followed by blanks still continues the line', () => {
    expect(parseDockerfile('FROM x\nRUN a \\   \n b\n').nodes[1].rest).toBe('a  b');
  });

  test('warns about empty continuation lines', () => {
    const parsed = parseDockerfile('FROM x\nRUN a \\\n\n b\n');
    expect(parsed.nodes[1].rest).toBe('a  b');
    expect(parsed.warnings[0]).toMatch(/Empty continuation line/);
  });

  test('the escape directive switches the continuation character to a backtick', () => {
    const parsed = parseDockerfile('# escape=`\nFROM x\nRUN dir c:\\ `\n  /w\n');
    expect(parsed.escapeChar).toBe('`');
    expect(parsed.nodes[1].rest).toBe('dir c:\\   /w');
  });

  test('directives are only read at the very top', () => {
    const parsed = parseDockerfile('FROM x\n# escape=`\nRUN a \\\n b\n');
    expect(parsed.escapeChar).toBe('\\');
    expect(parsed.directives).toEqual({});
  });

  test('the syntax directive is recorded and ignored with a warning', () => {
    const parsed = parseDockerfile('# syntax=docker/dockerfile:1\n# escape=\\\nFROM x\n');
    expect(parsed.directives).toEqual({ syntax: 'docker/dockerfile:1', escape: '\\' });
    expect(parsed.warnings.join()).toMatch(/syntax directive .* is ignored/);
  });

  test('refuses a bad escape token and a repeated directive', () => {
    expect(() => parseDockerfile('# escape=x\nFROM x\n')).toThrow("Dockerfile parse error line 1: invalid escape token 'x' does not match ` or \\");
    expect(() => parseDockerfile('# escape=`\n# escape=\\\nFROM x\n')).toThrow(/line 2: only one escape parser directive/);
  });

  test('an empty file has no instructions', () => {
    expect(() => parseDockerfile('# only a comment\n\n')).toThrow(DockerfileParseError);
    expect(() => parseDockerfile('')).toThrow('file with no instructions');
  });

  test('keywords are case-insensitive, a byte-order mark and CRLF are tolerated', () => {
    expect(lines('\uFEFFfrom x\r\nrun echo\r\n')).toEqual(['1-1 FROM x', '2-2 RUN echo']);
  });

  test('builder flags are split off the arguments', () => {
    const parsed = parseDockerfile('FROM x\nCOPY --from=build --chown="app user:grp" a b\n');
    expect(parsed.nodes[1]).toMatchObject({ flags: ['from=build', 'chown=app user:grp'], rest: 'a b' });
  });
});

describe('heredocs', () => {
  test('collect the following lines until the delimiter, for RUN and COPY', () => {
    const parsed = parseDockerfile('FROM x\nRUN <<EOF\necho one\necho two\nEOF\nCOPY <<a.txt <<b.txt /dest/\nA\na.txt\nB\nb.txt\nCMD ["sh"]\n');
    expect(parsed.nodes[1].heredocs).toEqual([{ name: 'EOF', content: 'echo one\necho two\n', expand: true, chomp: false }]);
    expect(parsed.nodes[1].endLine).toBe(5);
    expect(parsed.nodes[2].heredocs.map((heredoc) => [heredoc.name, heredoc.content])).toEqual([
      ['a.txt', 'A\n'],
      ['b.txt', 'B\n'],
    ]);
    expect(parsed.nodes[3]).toMatchObject({ keyword: 'CMD', startLine: 11 });
  });

  test('<<- matches a tab-indented delimiter; quoted delimiters turn expansion off', () => {
    const parsed = parseDockerfile('FROM x\nRUN <<-"EOT"\n\techo $HOME\n\tEOT\n');
    expect(parsed.nodes[1].heredocs).toEqual([{ name: 'EOT', content: '\techo $HOME\n', expand: false, chomp: true }]);
  });

  test('an unterminated heredoc is an error on the instruction line', () => {
    expect(() => parseDockerfile('FROM x\nRUN <<EOF\necho\n')).toThrow('Dockerfile parse error line 2: unterminated heredoc EOF');
  });

  test('other instructions and the JSON form do not take heredocs', () => {
    const parsed = parseDockerfile('FROM x\nCMD cat <<EOF\nRUN ["cat", "<<EOF"]\n');
    expect(parsed.nodes.map((node) => node.heredocs.length)).toEqual([0, 0, 0]);
  });

  test('parseHeredocWord recognises the forms', () => {
    expect(parseHeredocWord('<<EOF')).toEqual({ name: 'EOF', expand: true, chomp: false });
    expect(parseHeredocWord("<<-'END'")).toEqual({ name: 'END', expand: false, chomp: true });
    expect(parseHeredocWord('2<<ERR')).toEqual({ name: 'ERR', expand: true, chomp: false });
    expect(parseHeredocWord('<<')).toBeUndefined();
    expect(parseHeredocWord('x<<EOF')).toBeUndefined();
  });
});

describe('word helpers', () => {
  test('extractFlags stops at the first non-flag word and at --', () => {
    expect(extractFlags('--a=1 --b x --c=2')).toEqual({ flags: ['a=1', 'b'], rest: 'x --c=2' });
    expect(extractFlags('-- --x y')).toEqual({ flags: [], rest: '--x y' });
  });

  test('parseJsonArray accepts arrays of strings only', () => {
    expect(parseJsonArray('["sh", "-c", "x"]')).toEqual(['sh', '-c', 'x']);
    expect(parseJsonArray('[1]')).toBeUndefined();
    expect(parseJsonArray('[not json]')).toBeUndefined();
    expect(parseJsonArray('echo [x]')).toBeUndefined();
  });

  test('splitKeepingQuotes keeps quotes and escapes for later expansion', () => {
    expect(splitKeepingQuotes('a="x y" b=\'$z\' c=d\\ e', '\\')).toEqual(['a="x y"', "b='$z'", 'c=d\\ e']);
  });
});

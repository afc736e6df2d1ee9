import { describe, expect, test } from 'vitest';
import { parseDuration, parseStages, parseTrigger } from './instructions.js';

const stage0 = (body: string) => parseStages(`FROM busybox\n${body}\n`).stages[0].commands;

describe('parseStages', () => {
  test('groups instructions into stages and keeps ARGs before the first FROM', () => {
    const dockerfile = parseStages('ARG BASE=busybox\nFROM $BASE AS build\nRUN true\nFROM scratch\nCOPY --from=build /a /a\n');
    expect(dockerfile.metaArgs).toHaveLength(1);
    expect(dockerfile.stages.map((stage) => [stage.index, stage.name, stage.from.image, stage.commands.length])).toEqual([
      [0, 'build', '$BASE', 1],
      [1, undefined, 'scratch', 1],
    ]);
  });

  test('FROM takes one or three words, a valid stage name and --platform', () => {
    expect(parseStages('FROM --platform=linux/arm64 busybox AS One\n').stages[0].from).toMatchObject({ stageName: 'one', platform: 'linux/arm64' });
    expect(() => parseStages('FROM a b\n')).toThrow('Dockerfile parse error line 1: FROM requires either one or three arguments');
    expect(() => parseStages('FROM a AS 1x\n')).toThrow(/invalid name for build stage: "1x"/);
    expect(() => parseStages('FROM a AS x\nFROM b AS X\n')).toThrow('Dockerfile parse error line 2: duplicate name x');
  });

  test('instructions other than ARG before FROM are refused', () => {
    expect(() => parseStages('RUN true\nFROM x\n')).toThrow('Dockerfile parse error line 1: no build stage in current context');
  });

  test('unknown instructions name their line', () => {
    expect(() => parseStages('FROM x\n\nFOO bar\n')).toThrow('Dockerfile parse error line 3: unknown instruction: FOO');
  });

  test('RUN, CMD and ENTRYPOINT: JSON (exec) form or shell form', () => {
    expect(stage0('RUN ["echo", "hi"]')[0]).toMatchObject({ kind: 'RUN', command: { args: ['echo', 'hi'], prependShell: false } });
    expect(stage0('CMD echo "$HOME"')[0]).toMatchObject({ kind: 'CMD', command: { args: ['echo "$HOME"'], prependShell: true } });
    expect(stage0('ENTRYPOINT [not json')[0]).toMatchObject({ command: { args: ['[not json'], prependShell: true } });
    expect(stage0('CMD []')[0]).toMatchObject({ command: { args: [], prependShell: false } });
  });

  test('RUN --mount needs BuildKit; unknown flags are refused', () => {
    expect(() => stage0('RUN --mount=type=cache,target=/x true')).toThrow(/the --mount option requires BuildKit/);
    expect(() => stage0('ENV --x=1 A=b')).toThrow('Dockerfile parse error line 2: unknown flag: x');
  });

  test('ENV and LABEL: key=value lists and the legacy one-pair form, raw until dispatch', () => {
    expect(stage0('ENV A=1 B="two words" C=$A')[0]).toMatchObject({ pairs: [['A', '1'], ['B', '"two words"'], ['C', '$A']] });
    expect(stage0('ENV PATH /usr/local/bin:$PATH')[0]).toMatchObject({ pairs: [['PATH', '/usr/local/bin:$PATH']] });
    expect(() => stage0('ENV A=1 B')).toThrow(/can't find = in "B"/);
    expect(() => stage0('LABEL onlykey')).toThrow('LABEL must have two arguments');
  });

  test('ARG with and without defaults', () => {
    expect(stage0('ARG A B=2 C="x y"')[0]).toMatchObject({ args: [{ name: 'A' }, { name: 'B', value: '2' }, { name: 'C', value: '"x y"' }] });
  });

  test('COPY and ADD: sources, destination, flags and heredoc files', () => {
    const [copy, add, inline] = stage0('COPY --from=build --chown=app:app --chmod=0755 a b* /dest/\nADD ["with space", "/d"]\nCOPY <<EOF /etc/motd\nhello $USER\nEOF');
    expect(copy).toMatchObject({ kind: 'COPY', sources: ['a', 'b*'], dest: '/dest/', from: 'build', chown: 'app:app', chmod: '0755' });
    expect(add).toMatchObject({ kind: 'ADD', sources: ['with space'], dest: '/d' });
    expect(inline).toMatchObject({ sources: [], inline: [{ name: 'EOF', content: 'hello $USER\n', expand: true }], dest: '/etc/motd' });
    expect(() => stage0('COPY onlyone')).toThrow(/COPY requires at least two arguments/);
    expect(() => stage0('ADD --from=x a b')).toThrow(/unknown flag: from/);
  });

  test('HEALTHCHECK: flags, CMD forms and NONE', () => {
    expect(stage0('HEALTHCHECK --interval=5s --timeout=2s --start-period=1m --retries=3 CMD curl -f http://x/')[0]).toMatchObject({
      health: { Test: ['CMD-SHELL', 'curl -f http://x/'], Interval: 5e9, Timeout: 2e9, StartPeriod: 60e9, StartInterval: 0, Retries: 3 },
    });
    expect(stage0('HEALTHCHECK CMD ["true"]')[0]).toMatchObject({ health: { Test: ['CMD', 'true'] } });
    expect(stage0('HEALTHCHECK NONE')[0]).toMatchObject({ health: { Test: ['NONE'] } });
    expect(() => stage0('HEALTHCHECK NONE x')).toThrow('HEALTHCHECK NONE takes no arguments');
    expect(() => stage0('HEALTHCHECK RUN x')).toThrow('Unknown type "RUN" in HEALTHCHECK (try CMD)');
    expect(() => stage0('HEALTHCHECK --interval=1us CMD x')).toThrow('Interval "interval" cannot be less than 1ms');
    expect(() => stage0('HEALTHCHECK --interval=soon CMD x')).toThrow('time: invalid duration "soon"');
  });

  test('SHELL needs JSON; WORKDIR/USER take the whole rest; VOLUME and EXPOSE take lists', () => {
    expect(() => stage0('SHELL /bin/bash -c')).toThrow('SHELL requires the arguments to be in JSON form');
    expect(stage0('WORKDIR /a b')[0]).toMatchObject({ kind: 'WORKDIR', value: '/a b' });
    expect(stage0('VOLUME ["/a", "/b"]')[0]).toMatchObject({ volumes: ['/a', '/b'] });
    expect(stage0('VOLUME /a /b')[0]).toMatchObject({ volumes: ['/a', '/b'] });
    expect(stage0('EXPOSE 80 443/tcp')[0]).toMatchObject({ ports: ['80', '443/tcp'] });
    expect(() => stage0('USER')).toThrow('USER requires exactly one argument');
  });

  test('ONBUILD stores the trigger text and validates it now', () => {
    expect(stage0('ONBUILD RUN echo "built on $HOSTNAME"')[0]).toMatchObject({ kind: 'ONBUILD', expression: 'RUN echo "built on $HOSTNAME"' });
    expect(() => stage0('ONBUILD ONBUILD RUN x')).toThrow("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
    expect(() => stage0('ONBUILD FROM x')).toThrow("FROM isn't allowed as an ONBUILD trigger");
    expect(() => stage0('ONBUILD NOPE x')).toThrow('unknown instruction: NOPE');
    expect(parseTrigger('COPY a /b')).toMatchObject({ kind: 'COPY', sources: ['a'], dest: '/b' });
  });
});

describe('parseDuration', () => {
  test('reads Go durations', () => {
    expect(parseDuration('1m30s')).toBe(90e9);
    expect(parseDuration('1.5s')).toBe(1.5e9);
    expect(parseDuration('250ms')).toBe(250e6);
    expect(parseDuration('0')).toBe(0);
    expect(() => parseDuration('5')).toThrow();
  });
});

import { Writable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { LineSplitter, LogPrinter, logName } from './logs.js';

function sink(): { stream: Writable; text: () => string } {
  let text = '';
  return {
    stream: new Writable({
      write(chunk: Buffer, _encoding, callback) {
        text += chunk.toString();
        callback();
      },
    }),
    text: () => text,
  };
}

describe('LineSplitter', () => {
  test('keeps a partial line until its end arrives', () => {
    const lines = new LineSplitter();
    expect(lines.push('a\nb')).toEqual(['a']);
    expect(lines.push('c\n\nd')).toEqual(['bc', '']);
    expect(lines.flush()).toEqual(['d']);
    expect(lines.flush()).toEqual([]);
  });
});

describe('LogPrinter', () => {
  test('pads prefixes to the longest name and sends stderr lines to stderr', () => {
    const out = sink();
    const err = sink();
    const printer = new LogPrinter(out.stream, err.stream, { colors: false, prefix: true });
    printer.register('web-1');
    printer.register('database-1');
    printer.line('web-1', 'stdout', 'hello');
    printer.line('database-1', 'stderr', 'oops');
    printer.status('web-1', 'exited with code 0');
    expect(out.text()).toBe('web-1       | hello\nweb-1 exited with code 0\n');
    expect(err.text()).toBe('database-1  | oops\n');
  });

  test('colours each container in compose\'s rainbow order; no prefix with --no-log-prefix', () => {
    const out = sink();
    const printer = new LogPrinter(out.stream, out.stream, { colors: true, prefix: true });
    printer.line('a-1', 'stdout', 'x');
    printer.line('b-1', 'stdout', 'y');
    expect(out.text()).toBe('\x1b[36ma-1  | \x1b[0mx\n\x1b[33mb-1  | \x1b[0my\n');
    const bare = sink();
    new LogPrinter(bare.stream, bare.stream, { colors: true, prefix: false }).line('a-1', 'stdout', 'x');
    expect(bare.text()).toBe('x\n');
  });
});

describe('logName', () => {
  test('drops the project prefix of generated names, keeps custom container names', () => {
    const labels = { 'com.docker.compose.project': 'demo', 'com.docker.compose.service': 'web', 'com.docker.compose.container-number': '2' };
    expect(logName({ Id: 'x', Names: ['/demo-web-2'], Labels: labels })).toBe('web-2');
    expect(logName({ Id: 'x', Names: ['/my-web'], Labels: labels })).toBe('my-web');
  });
});

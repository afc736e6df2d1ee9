import { Writable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { createProgress, renderProgressFrame, resolveProgressMode, type ProgressTask } from './progress.js';

function sink(): { stream: Writable & { isTTY?: boolean }; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      text += chunk.toString();
      callback();
    },
  });
  return { stream, text: () => text };
}

const task = (id: string, status: ProgressTask['status'], text: string, startedMs: number, endedMs?: number, details = ''): ProgressTask => ({ id, status, text, details, startedMs, endedMs });

describe('renderProgressFrame', () => {
  test('aligns the status column and right-aligns timers to the width', () => {
    const lines = renderProgressFrame(
      [task('Network demo_default', 'done', 'Created', 0, 100), task('Container demo-web-1', 'working', 'Starting', 0), task('Container demo-db-10', 'error', 'Error', 0, 2500, 'boom')],
      'Running',
      1234,
      60,
      24,
      false,
    );
    expect(lines[0]).toBe('[+] Running 2/3');
    expect(lines[1]).toMatch(/^ ✔ Network demo_default {2}Created +0\.1s$/);
    expect(lines[2]).toMatch(/^ [⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] Container demo-web-1 {2}Starting +1\.2s$/);
    expect(lines[3]).toMatch(/^ ✘ Container demo-db-10 {2}Error boom +2\.5s$/);
    for (const line of lines.slice(1)) expect([...line].length).toBe(60);
  });

  test('colours marks, statuses and timers when asked', () => {
    const [, line] = renderProgressFrame([task('Volume v', 'done', 'Created', 0, 0)], 'Running', 0, 40, 24, true);
    expect(line).toContain('\x1b[32m✔\x1b[0m');
    expect(line).toContain('\x1b[32mCreated\x1b[0m');
    expect(line).toContain('\x1b[34m0.0s\x1b[0m');
  });

  test('shortens details that do not fit and folds lines the terminal cannot show', () => {
    const [, line] = renderProgressFrame([task('Container x', 'error', 'Error', 0, 0, 'a very long error message from the daemon')], 'Running', 0, 40, 24, false);
    expect([...line!].length).toBeLessThanOrEqual(40);
    expect(line).toContain('...');
    const many = Array.from({ length: 10 }, (_, i) => task(`Container c-${i}`, 'done', 'Started', 0, 0));
    const lines = renderProgressFrame(many, 'Running', 0, 50, 6, false);
    expect(lines).toHaveLength(5);
    expect(lines.at(-1)).toBe(' ... 7 more');
  });
});

describe('writers', () => {
  test('plain prints one line per event and tails after them', () => {
    const out = sink();
    const progress = createProgress('plain', out.stream, { colors: false });
    progress.start('Running');
    progress.on({ id: 'Container demo-web-1', status: 'working', text: 'Starting' });
    progress.on({ id: 'Container demo-web-1', status: 'error', text: 'Error', details: 'no such image' });
    progress.tail('done');
    progress.done();
    expect(out.text()).toBe(' Container demo-web-1 Starting\n Container demo-web-1 Error no such image\ndone\n');
  });

  test('json prints compose\'s message objects', () => {
    const out = sink();
    const progress = createProgress('json', out.stream, { colors: false });
    progress.on({ id: 'Network n', status: 'done', text: 'Created' });
    expect(JSON.parse(out.text())).toEqual({ id: 'Network n', status: 'Done', text: 'Created' });
  });

  test('quiet prints nothing; tty redraws the frame in place and ends with the final state', () => {
    const quiet = sink();
    const q = createProgress('quiet', quiet.stream, { colors: false });
    q.on({ id: 'x', status: 'done', text: 'Created' });
    q.done();
    expect(quiet.text()).toBe('');
    const tty = sink();
    let now = 0;
    const progress = createProgress('tty', tty.stream, { colors: false, now: () => now });
    progress.start('Running');
    progress.on({ id: 'Container a', status: 'working', text: 'Starting' });
    now = 300;
    progress.on({ id: 'Container a', status: 'done', text: 'Started' });
    progress.on({ id: 'Container b', status: 'done', text: 'Running' });
    progress.done();
    progress.done();
    const text = tty.text();
    expect(text).toContain('[+] Running 2/2');
    expect(text).toMatch(/ ✔ Container a {2}Started +0\.3s/);
    expect(text.match(/\[\+\]/g)).toHaveLength(1);
  });

  test('attached tty displays leave Starting/Started out; auto picks tty only on a coloured terminal', () => {
    const tty = sink();
    const progress = createProgress('tty', tty.stream, { colors: false, attached: true });
    progress.on({ id: 'Container a', status: 'working', text: 'Starting' });
    progress.done();
    expect(tty.text()).toBe('');
    expect(resolveProgressMode('auto', Object.assign(sink().stream, { isTTY: true }), true)).toBe('tty');
    expect(resolveProgressMode('auto', Object.assign(sink().stream, { isTTY: true }), false)).toBe('plain');
    expect(resolveProgressMode('auto', sink().stream, true)).toBe('plain');
    expect(resolveProgressMode('json', sink().stream, true)).toBe('json');
  });
});

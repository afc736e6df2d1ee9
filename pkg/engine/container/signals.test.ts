import { describe, expect, test } from 'vitest';
import { SIGNALS, signalNumber } from './signals.js';

describe('signalNumber', () => {
  const good: Array<[string, number]> = [
    ['SIGTERM', 15],
    ['TERM', 15],
    ['term', 15],
    ['SigTerm', 15],
    ['15', 15],
    ['SIGKILL', 9],
    ['KILL', 9],
    ['9', 9],
    ['HUP', 1],
    ['SIGQUIT', 3],
    ['SIGUSR1', 10],
    ['USR2', 12],
    ['SIGWINCH', 28],
    ['IOT', 6],
    ['POLL', 29],
    ['CLD', 17],
    ['SIGCHLD', 17],
    ['SIGSYS', 31],
    ['RTMIN', 34],
    ['SIGRTMIN', 34],
    ['RTMIN+1', 35],
    ['SIGRTMIN+15', 49],
    ['RTMAX', 64],
    ['RTMAX-1', 63],
    ['rtmax-14', 50],
    ['64', 64],
    ['1', 1],
    [' SIGINT ', 2],
  ];
  for (const [input, number] of good) {
    test(`${JSON.stringify(input)} → ${number}`, () => expect(signalNumber(input)).toBe(number));
  }

  const bad = ['', 'SIG', 'SIGFOO', 'FOO', '0', '65', '-1', '9.0', '1e1', 'RTMIN+31', 'RTMAX-31', 'RTMIN-1', 'RTMAX+1', 'SIGSIGTERM', 'KILL9'];
  for (const input of bad) {
    test(`refuses ${JSON.stringify(input)}`, () => {
      let error: unknown;
      try {
        signalNumber(input);
      } catch (err) {
        error = err;
      }
      expect((error as Error).message).toBe(`Invalid signal: ${input}`);
      expect((error as { httpStatus?: number }).httpStatus).toBe(400);
    });
  }

  test('every named signal round-trips through its SIG-prefixed name and its number', () => {
    for (const [name, number] of Object.entries(SIGNALS)) {
      expect(signalNumber(`SIG${name}`)).toBe(number);
      expect(signalNumber(String(number))).toBe(number);
    }
  });
});

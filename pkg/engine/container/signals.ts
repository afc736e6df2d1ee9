// Signal names and numbers on Linux x86-64 (pure): "SIGTERM", "TERM", "15" all name signal 15.

import { InvalidArgumentError } from '../../errdefs/index.js';

export const SIGNALS: Readonly<Record<string, number>> = {
  HUP: 1, INT: 2, QUIT: 3, ILL: 4, TRAP: 5, ABRT: 6, IOT: 6, BUS: 7, FPE: 8, KILL: 9, USR1: 10, SEGV: 11,
  USR2: 12, PIPE: 13, ALRM: 14, TERM: 15, STKFLT: 16, CHLD: 17, CLD: 17, CONT: 18, STOP: 19, TSTP: 20, TTIN: 21,
  TTOU: 22, URG: 23, XCPU: 24, XFSZ: 25, VTALRM: 26, PROF: 27, WINCH: 28, IO: 29, POLL: 29, PWR: 30, SYS: 31,
};

const RTMIN = 34;
const RTMAX = 64;

/** The number of a signal given by name (with or without SIG, any case), number or RTMIN+n. */
export function signalNumber(signal: string): number {
  const text = signal.trim().toUpperCase().replace(/^SIG/, '');
  if (/^\d+$/.test(text)) {
    const number = Number(text);
    if (number >= 1 && number <= RTMAX) return number;
  } else if (text in SIGNALS) {
    return SIGNALS[text];
  } else {
    const rt = /^RTMIN(?:\+(\d+))?$/.exec(text) ?? /^RTMAX(?:-(\d+))?$/.exec(text);
    if (rt) {
      const offset = Number(rt[1] ?? 0);
      const number = text.startsWith('RTMIN') ? RTMIN + offset : RTMAX - offset;
      if (number >= RTMIN && number <= RTMAX) return number;
    }
  }
  throw new InvalidArgumentError(`Invalid signal: ${signal}`);
}

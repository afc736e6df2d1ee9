import { describe, expect, test } from 'vitest';
import { applyChanges } from './index.js';

describe('applyChanges', () => {
  test('ENTRYPOINT clears an inherited CMD unless CMD came in the same changes', () => {
    expect(applyChanges({ Cmd: ['sh'] }, ['ENTRYPOINT ["/init"]'])).toEqual({ Cmd: null, Entrypoint: ['/init'] });
    expect(applyChanges({}, ['CMD ["x"]', 'ENTRYPOINT ["/init"]'])).toEqual({ Cmd: ['x'], Entrypoint: ['/init'] });
  });

  test('does not modify the config it was given', () => {
    const base = { Env: ['A=1'] };
    applyChanges(base, ['ENV A=2']);
    expect(base).toEqual({ Env: ['A=1'] });
  });

  test('expands port ranges and protocols', () => {
    expect(applyChanges({}, ['EXPOSE 8000-8002/udp 9000']).ExposedPorts).toEqual({ '8000/udp': {}, '8001/udp': {}, '8002/udp': {}, '9000/tcp': {} });
  });

  const errors: [string, string][] = [
    ['RUN echo hi', 'run is not a valid change command'],
    ['EXPOSE eighty', 'invalid containerPort: eighty'],
    ['ONBUILD ONBUILD RUN x', "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed"],
    ['ENV A="unterminated', 'unexpected end of statement while looking for matching "'],
    ['HEALTHCHECK --interval=soon CMD true', 'time: invalid duration "soon" for --interval'],
  ];
  for (const [change, message] of errors) {
    test(`rejects ${change}`, () => {
      expect(() => applyChanges({}, [change])).toThrow(message);
    });
  }
});

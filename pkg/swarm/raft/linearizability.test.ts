import { describe, expect, test } from 'vitest';
import { checkLinearizable, kvModel, type KvInput, type KvOutput, type Operation } from './linearizability.js';

type Op = Operation<KvInput, KvOutput>;
const put = (clientId: number, key: string, value: string, call: number, ret: number): Op => ({
  clientId,
  input: { op: 'put', key, value },
  output: { ok: true },
  call,
  return: ret,
});
const get = (clientId: number, key: string, value: string | null, call: number, ret: number): Op => ({
  clientId,
  input: { op: 'get', key },
  output: { value },
  call,
  return: ret,
});

describe('linearizability checker', () => {
  test('accepts a sequential history', () => {
    expect(checkLinearizable(kvModel, [put(1, 'x', 'a', 0, 1), get(2, 'x', 'a', 2, 3)]).ok).toBe(true);
  });

  test('accepts a read concurrent with a write seeing either value', () => {
    for (const seen of ['a', 'b']) {
      const h = [put(1, 'x', 'a', 0, 1), put(1, 'x', 'b', 2, 10), get(2, 'x', seen, 3, 4)];
      expect(checkLinearizable(kvModel, h).ok).toBe(true);
    }
  });

  test('rejects a stale read after a completed write', () => {
    const h = [put(1, 'x', 'a', 0, 1), put(1, 'x', 'b', 2, 3), get(2, 'x', 'a', 4, 5)];
    expect(checkLinearizable(kvModel, h)).toMatchObject({ ok: false, part: 0 });
  });

  test('rejects two readers seeing a write in opposite orders', () => {
    // Reader 2 sees b then a; reader 3 sees a then b, all while both writes are in flight.
    const h = [
      put(1, 'x', 'a', 0, 100),
      put(4, 'x', 'b', 0, 100),
      get(2, 'x', 'b', 10, 11),
      get(2, 'x', 'a', 12, 13),
      get(3, 'x', 'a', 10, 11),
      get(3, 'x', 'b', 12, 13),
    ];
    expect(checkLinearizable(kvModel, h).ok).toBe(false);
  });

  test('lets an operation with unknown outcome take effect or not', () => {
    const unknown: Op = { clientId: 1, input: { op: 'put', key: 'x', value: 'a' }, output: undefined, call: 0, return: Infinity };
    expect(checkLinearizable(kvModel, [unknown, get(2, 'x', 'a', 5, 6)]).ok).toBe(true);
    expect(checkLinearizable(kvModel, [unknown, get(2, 'x', null, 5, 6)]).ok).toBe(true);
    // ...but not un-happen once observed.
    expect(checkLinearizable(kvModel, [unknown, get(2, 'x', 'a', 5, 6), get(2, 'x', null, 7, 8)]).ok).toBe(false);
  });

  test('checks compare-and-swap outcomes against the model', () => {
    const cas = (ok: boolean, call: number, ret: number): Op => ({
      clientId: 3,
      input: { op: 'cas', key: 'x', expected: 'a', value: 'c' },
      output: { ok },
      call,
      return: ret,
    });
    expect(checkLinearizable(kvModel, [put(1, 'x', 'a', 0, 1), cas(true, 2, 3), get(2, 'x', 'c', 4, 5)]).ok).toBe(true);
    expect(checkLinearizable(kvModel, [put(1, 'x', 'a', 0, 1), cas(false, 2, 3)]).ok).toBe(false);
  });

  test('checks keys independently', () => {
    const h = [put(1, 'x', 'a', 0, 1), put(1, 'y', 'b', 0, 1), get(2, 'y', 'b', 2, 3), get(2, 'x', 'b', 2, 3)];
    expect(checkLinearizable(kvModel, h)).toMatchObject({ ok: false, part: 0 });
  });
});

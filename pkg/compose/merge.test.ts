import { describe, expect, test } from 'vitest';
import { applyResets, enforceUnicity, mergeValues } from './merge.js';

const merge = (base: unknown, over: unknown): unknown => enforceUnicity(mergeValues(structuredClone(base), structuredClone(over)));

describe('mergeValues', () => {
  test('scalars override, mappings merge, unknown sequences append', () => {
    expect(merge({ services: { a: { image: 'x', cap_add: ['A'], deploy: { mode: 'replicated' } } } }, { services: { a: { image: 'y', cap_add: ['B'], deploy: { replicas: 2 } } } })).toEqual({
      services: { a: { image: 'y', cap_add: ['A', 'B'], deploy: { mode: 'replicated', replicas: 2 } } },
    });
  });
  test('command, entrypoint and healthcheck.test are replaced', () => {
    expect(merge({ services: { a: { command: ['a', 'b'], healthcheck: { test: ['CMD', 'x'], retries: 3 } } } }, { services: { a: { command: ['c'], healthcheck: { test: ['NONE'] } } } })).toEqual({
      services: { a: { command: ['c'], healthcheck: { test: ['NONE'], retries: 3 } } },
    });
  });
  test('environment merges by key whatever the syntax', () => {
    expect(merge({ services: { a: { environment: { A: '1', B: '2' } } } }, { services: { a: { environment: ['B=3', 'C=4'] } } })).toEqual({
      services: { a: { environment: ['A=1', 'B=3', 'C=4'] } },
    });
  });
  test('ports are unique by host ip, published port, target and protocol', () => {
    const port = (published: string, target: number) => ({ mode: 'ingress', target, published, protocol: 'tcp' });
    expect(merge({ services: { a: { ports: [port('80', 80)] } } }, { services: { a: { ports: [port('80', 80), port('443', 443)] } } })).toEqual({
      services: { a: { ports: [port('80', 80), port('443', 443)] } },
    });
  });
  test('volumes are unique by target, the later one wins in place', () => {
    expect(merge({ services: { a: { volumes: [{ type: 'bind', source: '/x', target: '/d' }, { type: 'volume', target: '/e' }] } } }, { services: { a: { volumes: [{ type: 'bind', source: '/y', target: '/d' }] } } })).toEqual({
      services: { a: { volumes: [{ type: 'bind', source: '/y', target: '/d' }, { type: 'volume', target: '/e' }] } },
    });
  });
  test('depends_on lists and maps merge with defaults', () => {
    expect(merge({ services: { a: { depends_on: ['db'] } } }, { services: { a: { depends_on: { db: { condition: 'service_healthy' }, cache: { condition: 'service_started' } } } } })).toEqual({
      services: { a: { depends_on: { db: { condition: 'service_healthy', required: true }, cache: { condition: 'service_started' } } } },
    });
  });
  test('logging options merge only for the same driver', () => {
    expect(merge({ services: { a: { logging: { driver: 'json-file', options: { a: '1' } } } } }, { services: { a: { logging: { driver: 'syslog', options: { b: '2' } } } } })).toEqual({
      services: { a: { logging: { driver: 'syslog', options: { b: '2' } } } },
    });
    expect(merge({ services: { a: { logging: { driver: 'json-file', options: { a: '1' } } } } }, { services: { a: { logging: { options: { b: '2' } } } } })).toEqual({
      services: { a: { logging: { driver: 'json-file', options: { a: '1', b: '2' } } } },
    });
  });
  test('a mapping cannot be replaced by a scalar', () => expect(() => merge({ services: { a: { deploy: {} } } }, { services: { a: { deploy: 'x' } } })).toThrow('cannot override services.a.deploy'));
});

describe('applyResets', () => {
  test('deletes the tagged paths from what was loaded before', () => {
    const model = { services: { a: { ports: ['80'], image: 'x' } } };
    applyResets(model, [['services', 'a', 'ports'], ['services', 'b', 'image']]);
    expect(model).toEqual({ services: { a: { image: 'x' } } });
  });
});

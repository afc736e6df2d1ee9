import { describe, expect, test } from 'vitest';
import { buildRequestOptions } from './build.js';

describe('buildRequestOptions', () => {
  test('maps a build section to POST /build options, --build-arg over args', () => {
    expect(
      buildRequestOptions(
        { context: '/p/app', args: { A: '1', B: null }, labels: { team: 'core' }, target: 'runtime', network: 'host', tags: ['extra:1'], platforms: ['linux/amd64'], no_cache: true },
        'p-app',
        { buildArgs: { A: '2' }, pull: true },
      ),
    ).toEqual({
      tags: ['p-app', 'extra:1'],
      forceRemove: true,
      buildArgs: { A: '2', B: null },
      labels: { team: 'core' },
      target: 'runtime',
      networkMode: 'host',
      platform: 'linux/amd64',
      noCache: true,
      pull: true,
    });
    expect(buildRequestOptions({ context: '/p' }, 'img')).toEqual({ tags: ['img'], forceRemove: true });
  });
});

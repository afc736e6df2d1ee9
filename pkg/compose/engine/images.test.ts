import { describe, expect, test } from 'vitest';
import type { ServiceConfig } from '../model.js';
import { decideImage, splitImageReference } from './images.js';

const cases: Array<{ name: string; service: ServiceConfig; present: boolean; override?: 'always' | 'missing' | 'never'; decision: ReturnType<typeof decideImage> }> = [
  { name: 'an image present is used', service: { image: 'busybox' }, present: true, decision: 'use' },
  { name: 'a missing image is pulled', service: { image: 'busybox' }, present: false, decision: 'pull' },
  { name: 'pull_policy always pulls even when present', service: { image: 'busybox', pull_policy: 'always' }, present: true, decision: 'pull' },
  { name: 'pull_policy never refuses a missing image', service: { image: 'busybox', pull_policy: 'never' }, present: false, decision: 'missing' },
  { name: 'a build service whose image exists uses it', service: { build: { context: '.' } }, present: true, decision: 'use' },
  { name: 'a build service without its image builds', service: { build: { context: '.' }, image: 'app' }, present: false, decision: 'build' },
  { name: 'pull_policy build always builds', service: { build: { context: '.' }, pull_policy: 'build' }, present: true, decision: 'build' },
  { name: '--pull never overrides the policy', service: { image: 'busybox', pull_policy: 'always' }, present: true, override: 'never', decision: 'use' },
  { name: 'daily counts as missing', service: { image: 'busybox', pull_policy: 'daily' }, present: true, decision: 'use' },
];

describe('decideImage', () => {
  for (const { name, service, present, override, decision } of cases) test(name, () => expect(decideImage(service, present, override)).toBe(decision));
});

describe('splitImageReference', () => {
  test('tags, registry ports and digests', () => {
    expect(splitImageReference('busybox')).toEqual({ name: 'busybox', tag: 'latest' });
    expect(splitImageReference('busybox:1.36')).toEqual({ name: 'busybox', tag: '1.36' });
    expect(splitImageReference('localhost:5000/app')).toEqual({ name: 'localhost:5000/app', tag: 'latest' });
    expect(splitImageReference('localhost:5000/app:v1')).toEqual({ name: 'localhost:5000/app', tag: 'v1' });
    expect(splitImageReference('app@sha256:abc')).toEqual({ name: 'app', tag: 'sha256:abc' });
  });
});

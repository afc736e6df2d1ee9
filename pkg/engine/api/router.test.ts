import { describe, expect, test } from 'vitest';
import { Router, type Handler, type Route } from './router.js';

const handler = (): Handler => () => Promise.resolve();

function route(method: string, pattern: string): Route {
  return { method, pattern, handler: handler() };
}

const ROUTES: Route[] = [
  route('GET', '/_ping'),
  route('GET', '/containers/json'),
  route('POST', '/containers/create'),
  route('GET', '/containers/{id}/json'),
  route('POST', '/containers/{id}/start'),
  route('DELETE', '/containers/{id}'),
  route('GET', '/containers/{id}/archive'),
  route('HEAD', '/containers/{id}/archive'),
  route('GET', '/images/json'),
  route('GET', '/images/{name*}/json'),
  route('POST', '/images/{name*}/tag'),
  route('DELETE', '/images/{name*}'),
];
const router = new Router().addAll(ROUTES);

function resolve(method: string, path: string): { pattern: string; method: string; params: Record<string, string> } | string | undefined {
  const match = router.match(method, path);
  if (match === undefined || typeof match === 'string') return match;
  return { pattern: match.route.pattern, method: match.route.method, params: match.params };
}

describe('Router.match', () => {
  const cases: Array<[string, string, ReturnType<typeof resolve>]> = [
    ['GET', '/_ping', { pattern: '/_ping', method: 'GET', params: {} }],
    ['GET', '/containers/json', { pattern: '/containers/json', method: 'GET', params: {} }],
    ['GET', '/containers/abc123/json', { pattern: '/containers/{id}/json', method: 'GET', params: { id: 'abc123' } }],
    ['POST', '/containers/web/start', { pattern: '/containers/{id}/start', method: 'POST', params: { id: 'web' } }],
    ['DELETE', '/containers/web', { pattern: '/containers/{id}', method: 'DELETE', params: { id: 'web' } }],
    ['GET', '/images/json', { pattern: '/images/json', method: 'GET', params: {} }],
    ['GET', '/images/busybox/json', { pattern: '/images/{name*}/json', method: 'GET', params: { name: 'busybox' } }],
    ['GET', '/images/library/busybox:1.36/json', { pattern: '/images/{name*}/json', method: 'GET', params: { name: 'library/busybox:1.36' } }],
    ['GET', '/images/localhost:5000/team/app:v2/json', { pattern: '/images/{name*}/json', method: 'GET', params: { name: 'localhost:5000/team/app:v2' } }],
    ['POST', '/images/registry.example.com/a/b/tag', { pattern: '/images/{name*}/tag', method: 'POST', params: { name: 'registry.example.com/a/b' } }],
    ['DELETE', '/images/ghcr.io/org/tool@sha256:abc', { pattern: '/images/{name*}', method: 'DELETE', params: { name: 'ghcr.io/org/tool@sha256:abc' } }],
    ['GET', '/images/a%2Fb/json', { pattern: '/images/{name*}/json', method: 'GET', params: { name: 'a/b' } }],
    ['GET', '/containers/we%20b/json', { pattern: '/containers/{id}/json', method: 'GET', params: { id: 'we b' } }],
  ];
  for (const [method, path, expected] of cases) {
    test(`${method} ${path}`, () => expect(resolve(method, path)).toEqual(expected));
  }

  test('{id} is one segment: a slash in it does not match', () => {
    expect(resolve('GET', '/containers/a/b/json')).toBeUndefined();
  });

  test('unknown paths are undefined; a known path with another method is method_not_allowed', () => {
    expect(resolve('GET', '/nope')).toBeUndefined();
    expect(resolve('GET', '/containers/json/extra')).toBeUndefined();
    expect(resolve('POST', '/containers/json')).toBe('method_not_allowed');
    expect(resolve('PUT', '/containers/web')).toBe('method_not_allowed');
  });

  test('HEAD falls back to the GET route', () => {
    expect(resolve('HEAD', '/containers/web/json')).toEqual({ pattern: '/containers/{id}/json', method: 'GET', params: { id: 'web' } });
    expect(resolve('HEAD', '/containers/create')).toBe('method_not_allowed');
  });

  test('an explicit HEAD route wins over the GET fallback, whichever is registered first', () => {
    expect(resolve('HEAD', '/containers/web/archive')).toMatchObject({ method: 'HEAD' });
    expect(resolve('GET', '/containers/web/archive')).toMatchObject({ method: 'GET' });
    const getFirst = new Router().add(route('GET', '/x/{id}')).add(route('HEAD', '/x/{id}'));
    expect((getFirst.match('HEAD', '/x/1') as { route: Route }).route.method).toBe('HEAD');
  });

  test('the first registered route wins when patterns overlap', () => {
    const overlapping = new Router().add(route('GET', '/images/json')).add(route('GET', '/images/{name*}'));
    expect((overlapping.match('GET', '/images/json') as { route: Route }).route.pattern).toBe('/images/json');
    expect((overlapping.match('GET', '/images/busybox') as { params: Record<string, string> }).params).toEqual({ name: 'busybox' });
  });

  test('regexp characters in patterns are literal', () => {
    const literal = new Router().add(route('GET', '/a.b/{id}'));
    expect(literal.match('GET', '/a.b/1')).toBeTypeOf('object');
    expect(literal.match('GET', '/axb/1')).toBeUndefined();
  });

  test('routes() lists what was added', () => {
    expect(router.routes().map((r) => `${r.method} ${r.pattern}`)).toEqual(ROUTES.map((r) => `${r.method} ${r.pattern}`));
  });
});

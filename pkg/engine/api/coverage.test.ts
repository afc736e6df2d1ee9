// The Engine API endpoint list and the coverage computed from route tables.
import { describe, expect, test } from 'vitest';
import type { Engine } from '../engine.js';
import { ENGINE_API_ENDPOINTS } from './coverage-endpoints.js';
import { computeCoverage, pathShape, renderCoverage } from './coverage.js';
import { engineRouter } from './index.js';
import type { Route } from './router.js';

const route = (method: string, pattern: string): Route => ({ method, pattern, handler: async () => undefined });
const all = ENGINE_API_ENDPOINTS.flatMap((group) => group.endpoints);

describe('the v1.50 endpoint list', () => {
  test('has the reference’s 107 endpoints, each once', () => {
    expect(all).toHaveLength(107);
    expect(new Set(all.map((endpoint) => `${endpoint.method} ${endpoint.path}`)).size).toBe(107);
  });

  test('covers every group of the reference', () => {
    expect(ENGINE_API_ENDPOINTS.map((group) => group.name)).toEqual([
      'Containers', 'Exec', 'Images', 'Build', 'System', 'Networks', 'Volumes', 'Distribution', 'Session', 'Swarm', 'Nodes', 'Services', 'Tasks', 'Secrets', 'Configs', 'Plugins',
    ]);
    for (const endpoint of all) expect(endpoint.path).toMatch(/^\/[\w/{}.-]*$/);
  });
});

describe('computeCoverage', () => {
  test('counts routes by method and path shape, greedy parameters included', () => {
    const report = computeCoverage([route('GET', '/_ping'), route('GET', '/images/{name*}/json'), route('DELETE', '/containers/{id}')]);
    const served = report.groups.flatMap((group) => group.endpoints).filter((endpoint) => endpoint.implemented);
    expect(served.map((endpoint) => `${endpoint.method} ${endpoint.path}`)).toEqual(['DELETE /containers/{id}', 'GET /images/{name}/json', 'GET /_ping']);
    expect(report).toMatchObject({ implemented: 3, total: 107, percent: 2.8, unlisted: [] });
  });

  test('a HEAD endpoint needs its own route: the router’s GET fallback does not count', () => {
    const report = computeCoverage([route('GET', '/_ping')]);
    const head = report.groups.find((group) => group.name === 'System')!.endpoints.find((endpoint) => endpoint.method === 'HEAD')!;
    expect(head.implemented).toBe(false);
  });

  test('a route shadowed by an earlier, wider pattern does not count', () => {
    const report = computeCoverage([route('GET', '/images/{name}'), route('GET', '/images/json')]);
    const list = report.groups.find((group) => group.name === 'Images')!.endpoints.find((endpoint) => endpoint.path === '/images/json')!;
    expect(list.implemented).toBe(false);
  });

  test('reports routes the reference does not list', () => {
    expect(computeCoverage([route('POST', '/build/cancel')]).unlisted).toEqual(['POST /build/cancel']);
  });

  test('renders groups with totals, and only the gaps with missingOnly', () => {
    const report = computeCoverage([route('GET', '/_ping')]);
    const text = renderCoverage(report, { missingOnly: true });
    expect(text).toContain('berthd serves 1 of 107 endpoints (0.9%)');
    expect(text).toMatch(/System\s+1\/7/);
    expect(text).not.toContain('✓ GET    /_ping');
    expect(text).toContain('✗ HEAD   /_ping');
  });

  test('pathShape ignores parameter names and greediness', () => {
    expect(pathShape('/images/{name*}/json')).toBe(pathShape('/images/{id}/json'));
  });
});

describe('berthd’s own routes', () => {
  const inert: unknown = new Proxy(() => undefined, { get: () => inert, apply: () => inert });
  const report = computeCoverage(engineRouter(inert as Engine).routes());

  test('serve the core of the API', () => {
    const served = new Set(report.groups.flatMap((group) => group.endpoints).filter((e) => e.implemented).map((e) => `${e.method} ${e.path}`));
    for (const key of ['GET /_ping', 'HEAD /_ping', 'POST /containers/create', 'POST /containers/{id}/attach', 'POST /exec/{id}/start', 'GET /images/{name}/json', 'GET /networks', 'GET /volumes']) {
      expect(served).toContain(key);
    }
    expect(report.percent).toBeGreaterThan(40);
  });
});

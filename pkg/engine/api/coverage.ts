// Engine API coverage (pure): each endpoint of the reference list marked implemented when berthd's
// router resolves it to a route of the same method and path shape, with totals per group, and the
// text and JSON renderings `npm run api-coverage` prints.
import { ENGINE_API_ENDPOINTS, ENGINE_API_VERSION, type Endpoint, type EndpointGroup } from './coverage-endpoints.js';
import { Router, type Route } from './router.js';

export interface EndpointCoverage extends Endpoint {
  implemented: boolean;
  /** The berthd route pattern that serves it. */
  route?: string;
}

export interface GroupCoverage {
  name: string;
  endpoints: EndpointCoverage[];
  implemented: number;
  total: number;
}

export interface CoverageReport {
  apiVersion: string;
  groups: GroupCoverage[];
  implemented: number;
  total: number;
  /** Percentage with one decimal. */
  percent: number;
  /** Routes berthd registers that the reference list does not have (should stay empty). */
  unlisted: string[];
}

/** A path with every parameter (`{id}`, greedy `{name*}`) reduced to `{}`, for comparing shapes. */
export function pathShape(path: string): string {
  return path.replace(/\{\w+\*?\}/g, '{}');
}

/** A concrete request path for an endpoint: parameters become a plain one-segment value. */
function samplePath(path: string): string {
  return path.replace(/\{\w+\}/g, 'x1');
}

const percentOf = (part: number, whole: number): number => (whole === 0 ? 0 : Math.round((part / whole) * 1000) / 10);

/**
 * Marks each endpoint of `groups` against `routes`. An endpoint counts when the router, given a
 * sample request, picks a route with the same method and path shape: a route shadowed by an
 * earlier, wider pattern does not count.
 */
export function computeCoverage(routes: readonly Route[], groups: readonly EndpointGroup[] = ENGINE_API_ENDPOINTS): CoverageReport {
  const router = new Router().addAll([...routes]);
  const result: GroupCoverage[] = groups.map((group) => {
    const endpoints = group.endpoints.map((endpoint): EndpointCoverage => {
      const match = router.match(endpoint.method, samplePath(endpoint.path));
      const served = typeof match === 'object' && match.route.method === endpoint.method && pathShape(match.route.pattern) === pathShape(endpoint.path);
      return served ? { ...endpoint, implemented: true, route: match.route.pattern } : { ...endpoint, implemented: false };
    });
    const implemented = endpoints.filter((endpoint) => endpoint.implemented).length;
    return { name: group.name, endpoints, implemented, total: endpoints.length };
  });
  const listed = new Set(groups.flatMap((group) => group.endpoints.map((endpoint) => `${endpoint.method} ${pathShape(endpoint.path)}`)));
  const unlisted = routes.map((route) => `${route.method} ${route.pattern}`).filter((key) => !listed.has(`${key.split(' ')[0]} ${pathShape(key.split(' ')[1]!)}`));
  const implemented = result.reduce((sum, group) => sum + group.implemented, 0);
  const total = result.reduce((sum, group) => sum + group.total, 0);
  return { apiVersion: ENGINE_API_VERSION, groups: result, implemented, total, percent: percentOf(implemented, total), unlisted: [...new Set(unlisted)] };
}

/** The report as text: one block per group (✓ served, ✗ missing), then the total. */
export function renderCoverage(report: CoverageReport, options: { missingOnly?: boolean } = {}): string {
  const lines = [`Docker Engine API v${report.apiVersion}: berthd serves ${report.implemented} of ${report.total} endpoints (${report.percent}%)`, ''];
  const nameWidth = Math.max(...report.groups.map((group) => group.name.length));
  for (const group of report.groups) {
    lines.push(`${group.name.padEnd(nameWidth)}  ${String(group.implemented).padStart(3)}/${String(group.total).padEnd(3)} ${String(percentOf(group.implemented, group.total)).padStart(5)}%`);
    for (const endpoint of group.endpoints) {
      if (options.missingOnly && endpoint.implemented) continue;
      lines.push(`  ${endpoint.implemented ? '✓' : '✗'} ${endpoint.method.padEnd(6)} ${endpoint.path.padEnd(30)} ${endpoint.summary}`);
    }
  }
  lines.push('', `Total: ${report.implemented}/${report.total} (${report.percent}%)`);
  if (report.unlisted.length > 0) lines.push(`Routes not in the v${report.apiVersion} reference: ${report.unlisted.join(', ')}`);
  return `${lines.join('\n')}\n`;
}

// Route table of the Engine API (pure): method + path pattern → handler. `{name}` matches one
// path segment; `{name*}` matches greedily (image names contain slashes).

import { InvalidArgumentError } from '../../errdefs/index.js';
import type { RequestContext } from './http.js';

export type Handler = (ctx: RequestContext) => Promise<void>;

export interface Route {
  method: string;
  pattern: string;
  handler: Handler;
  /** Streams over a hijacked connection (attach, exec start): may arrive as an HTTP upgrade. */
  hijack?: boolean;
}

interface CompiledRoute extends Route {
  regex: RegExp;
  keys: string[];
}

function decodeParams(route: CompiledRoute, match: RegExpExecArray): Record<string, string> {
  const params: Record<string, string> = {};
  try {
    route.keys.forEach((key, i) => (params[key] = decodeURIComponent(match[i + 1])));
  } catch {
    throw new InvalidArgumentError(`malformed %-escape in the request path: ${match[0]}`);
  }
  return params;
}

export class Router {
  private readonly compiled: CompiledRoute[] = [];

  add(route: Route): this {
    const keys: string[] = [];
    const source = route.pattern
      .split('/')
      .map((segment) => {
        const match = /^\{(\w+)(\*?)\}$/.exec(segment);
        if (!match) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        keys.push(match[1]);
        return match[2] ? '(.+)' : '([^/]+)';
      })
      .join('/');
    this.compiled.push({ ...route, regex: new RegExp(`^${source}$`), keys });
    return this;
  }

  addAll(routes: Route[]): this {
    for (const route of routes) this.add(route);
    return this;
  }

  /** The route and its decoded params, `method_not_allowed` if only the method differs, or undefined. */
  match(method: string, path: string): { route: Route; params: Record<string, string> } | 'method_not_allowed' | undefined {
    let pathMatched = false;
    let headFallback: { route: CompiledRoute; match: RegExpExecArray } | undefined;
    for (const route of this.compiled) {
      const match = route.regex.exec(path);
      if (!match) continue;
      if (route.method === method) return { route, params: decodeParams(route, match) };
      if (method === 'HEAD' && route.method === 'GET') headFallback ??= { route, match };
      pathMatched = true;
    }
    if (headFallback) return { route: headFallback.route, params: decodeParams(headFallback.route, headFallback.match) };
    return pathMatched ? 'method_not_allowed' : undefined;
  }

  routes(): Route[] {
    return [...this.compiled];
  }
}

// /_ping, /version, /info, /events.

import { InvalidArgumentError } from '../../../errdefs/index.js';
import type { Engine } from '../../engine.js';
import { eventLine, type EngineEvent } from '../../events/index.js';
import { API_VERSION, MIN_API_VERSION, type RequestContext } from '../http.js';
import type { Route } from '../router.js';

const EVENT_FILTER_KEYS = new Set(['type', 'event', 'container', 'image', 'label', 'network', 'volume', 'daemon', 'scope', 'plugin', 'node', 'service', 'secret', 'config']);
const EVENT_TYPES = new Set(['container', 'image', 'network', 'volume', 'daemon', 'plugin', 'service', 'node', 'secret', 'config']);

/** Docker's since/until: unix seconds (with fraction), a duration ago ("10m"), or RFC 3339 (pure). */
export function parseEventTime(value: string, nowMs: number): number {
  const trimmed = value.trim();
  if (/^-?\d+(\.\d+)?$/.test(trimmed)) {
    const [seconds, fraction = ''] = trimmed.split('.');
    return Number(seconds) * 1e9 + Number(fraction.padEnd(9, '0').slice(0, 9));
  }
  const duration = /^(\d+(?:\.\d+)?)(ns|us|ms|s|m|h)$/.exec(trimmed);
  if (duration) {
    const unitMs = { ns: 1e-6, us: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[duration[2] as 'ns']!;
    return (nowMs - Number(duration[1]) * unitMs) * 1e6;
  }
  const parsed = Date.parse(trimmed);
  if (Number.isNaN(parsed)) throw new InvalidArgumentError(`invalid timestamp: ${value}`);
  return parsed * 1e6;
}

export function systemRoutes(engine: Engine): Route[] {
  const ping = async (ctx: RequestContext): Promise<void> => {
    const res = ctx.mustRes();
    const headers = {
      'Cache-Control': 'no-cache, no-store, must-revalidate',
      Pragma: 'no-cache',
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': ctx.req.method === 'HEAD' ? '0' : '2',
      'Swarm': 'inactive',
    };
    res.writeHead(200, headers);
    res.end(ctx.req.method === 'HEAD' ? undefined : 'OK');
  };

  const events = async (ctx: RequestContext): Promise<void> => {
    const filters = ctx.filters();
    for (const [key, values] of Object.entries(filters)) {
      if (!EVENT_FILTER_KEYS.has(key)) throw new InvalidArgumentError(`invalid filter '${key}'`);
      if (key === 'type') for (const value of values) if (!EVENT_TYPES.has(value)) throw new InvalidArgumentError(`Invalid event type: ${value}`);
    }
    const now = Date.now();
    const sinceText = ctx.string('since');
    const untilText = ctx.string('until');
    const sinceNs = sinceText ? parseEventTime(sinceText, now) : undefined;
    const untilNs = untilText ? parseEventTime(untilText, now) : undefined;
    if (sinceNs !== undefined && untilNs !== undefined && untilNs < sinceNs) {
      throw new InvalidArgumentError('`since` time must be before `until` time');
    }
    const res = ctx.mustRes();
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.flushHeaders();
    // Subscribe before replaying so nothing emitted in between is lost.
    const subscription = engine.events.subscribe(filters);
    res.on('close', () => subscription.close());
    const write = (event: EngineEvent): Promise<void> =>
      res.write(eventLine(event)) ? Promise.resolve() : new Promise((resolve) => res.once('drain', () => resolve()));
    let lastReplayed = -1;
    if (sinceNs !== undefined) {
      for (const event of engine.events.replay(filters, sinceNs, untilNs ?? Number.MAX_SAFE_INTEGER * 1e3)) {
        await write(event);
        lastReplayed = event.timeNano;
      }
    }
    if (untilNs !== undefined && untilNs <= now * 1e6) {
      subscription.close();
      res.end();
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    if (untilNs !== undefined) timer = setTimeout(() => subscription.close(), untilNs / 1e6 - now);
    try {
      for await (const event of subscription) {
        if (event.timeNano <= lastReplayed) continue;
        if (untilNs !== undefined && event.timeNano > untilNs) break;
        await write(event);
      }
    } finally {
      if (timer) clearTimeout(timer);
      subscription.close();
      res.end();
    }
  };

  return [
    { method: 'GET', pattern: '/_ping', handler: ping },
    { method: 'HEAD', pattern: '/_ping', handler: ping },
    { method: 'GET', pattern: '/version', handler: async (ctx) => ctx.send(200, await engine.version()) },
    { method: 'GET', pattern: '/info', handler: async (ctx) => ctx.send(200, await engine.info()) },
    { method: 'GET', pattern: '/events', handler: events },
  ];
}

export { API_VERSION, MIN_API_VERSION };

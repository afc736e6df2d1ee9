import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { ConflictError, NotFoundError } from '../../errdefs/index.js';
import { RequestContext, errorBody, parseFilters, versionNumber } from './http.js';

/** A context for `query` with an optional body, as the server builds it. */
function context(query: string, body?: string | Buffer, res?: ServerResponse): RequestContext {
  const req = Readable.from(body === undefined ? [] : [Buffer.from(body)]) as unknown as IncomingMessage;
  return new RequestContext(req, res, {}, '1.50', new URL(`http://localhost/v1.50/containers/json${query}`));
}

function rejection(run: () => unknown): { message: string; status: number } {
  try {
    run();
  } catch (err) {
    return { message: (err as Error).message, status: (err as { httpStatus: number }).httpStatus };
  }
  throw new Error('expected an error');
}

describe('parseFilters', () => {
  test('the map shape {"key":{"value":true}}', () => {
    expect(parseFilters('{"status":{"running":true,"paused":true},"label":{"a=b":true}}')).toEqual({ status: ['running', 'paused'], label: ['a=b'] });
  });

  test('values set to false are left out', () => {
    expect(parseFilters('{"status":{"running":true,"exited":false}}')).toEqual({ status: ['running'] });
  });

  test('the legacy list shape {"key":["value"]}', () => {
    expect(parseFilters('{"status":["running","exited"],"dangling":["true"]}')).toEqual({ status: ['running', 'exited'], dangling: ['true'] });
  });

  test('both shapes in one document', () => {
    expect(parseFilters('{"a":["1"],"b":{"2":true}}')).toEqual({ a: ['1'], b: ['2'] });
  });

  test('absent, empty or {} means no filters', () => {
    expect(parseFilters(null)).toEqual({});
    expect(parseFilters('')).toEqual({});
    expect(parseFilters('{}')).toEqual({});
  });

  for (const raw of ['not json', '[]', '"status"', 'null', '{"status":"running"}', '{"status":true}', '{"status":1}']) {
    test(`refuses ${raw}`, () => {
      expect(rejection(() => parseFilters(raw))).toEqual({ message: `invalid filter: ${raw}`, status: 400 });
    });
  }
});

describe('RequestContext query helpers', () => {
  const bools: Array<[string, boolean]> = [
    ['?all=1', true],
    ['?all=true', true],
    ['?all=True', true],
    ['?all=yes', true],
    ['?all=anything', true],
    ['?all=0', false],
    ['?all=false', false],
    ['?all=False', false],
    ['?all=FALSE', false],
    ['?all=no', false],
    ['?all=No', false],
    ['?all=none', false],
    ['?all=NONE', false],
    ['?all=%200%20', false],
    ['?all=', false],
    ['?all', false],
  ];
  for (const [query, value] of bools) {
    test(`bool: ${query} → ${value}`, () => {
      expect(context(query).bool('all')).toBe(value);
      expect(context(query).bool('all', true)).toBe(value);
    });
  }

  test('bool: an absent flag is the fallback', () => {
    expect(context('').bool('all')).toBe(false);
    expect(context('?other=1').bool('all', true)).toBe(true);
  });

  test('int: a number, absent/empty as undefined, other text refused', () => {
    expect(context('?t=10').int('t')).toBe(10);
    expect(context('?t=-1').int('t')).toBe(-1);
    expect(context('').int('t')).toBeUndefined();
    expect(context('?t=').int('t')).toBeUndefined();
    expect(rejection(() => context('?t=1.5').int('t'))).toEqual({ message: 'invalid value for t: 1.5', status: 400 });
    expect(rejection(() => context('?t=ten').int('t'))).toEqual({ message: 'invalid value for t: ten', status: 400 });
  });

  test('string and filters read the query', () => {
    const ctx = context(`?signal=SIGHUP&filters=${encodeURIComponent('{"name":{"web":true}}')}`);
    expect(ctx.string('signal')).toBe('SIGHUP');
    expect(ctx.string('missing')).toBeUndefined();
    expect(ctx.filters()).toEqual({ name: ['web'] });
  });

  test('version: the negotiated API version as a number', () => {
    expect(context('').version).toBe(1050);
    expect(versionNumber('1.24')).toBe(1024);
    expect(versionNumber('1.9')).toBeLessThan(versionNumber('1.24'));
  });
});

describe('RequestContext bodies', () => {
  test('json parses the body once and caches it', async () => {
    const ctx = context('', '{"Image":"busybox"}');
    expect(await ctx.json()).toEqual({ Image: 'busybox' });
    expect(await ctx.json()).toEqual({ Image: 'busybox' });
  });

  test('an empty body is the fallback, or an error without one', async () => {
    expect(await context('', '').json({ fallback: true })).toEqual({ fallback: true });
    expect(await context('', '  \n').json({})).toEqual({});
    await expect(context('').json()).rejects.toThrow('request body is empty: a JSON object was expected');
  });

  test('invalid JSON is a 400 that says so', async () => {
    await expect(context('', '{"Image":').json()).rejects.toMatchObject({ httpStatus: 400, message: expect.stringMatching(/^invalid JSON in request body: /) as unknown });
  });

  test('a body over the limit is refused', async () => {
    await expect(context('', Buffer.alloc(11)).rawBody(10)).rejects.toThrow('request body larger than 10 bytes');
    expect((await context('', Buffer.alloc(10)).rawBody(10)).length).toBe(10);
  });
});

describe('RequestContext.send and errorBody', () => {
  function fakeResponse(): { res: ServerResponse; status: () => number; headers: () => Record<string, unknown>; body: () => string } {
    let status = 0;
    let headers: Record<string, unknown> = {};
    let body = '';
    const res = {
      writeHead(code: number, h: Record<string, unknown>) {
        status = code;
        headers = h;
        return this;
      },
      end(text?: string) {
        body = text ?? '';
        return this;
      },
    } as unknown as ServerResponse;
    return { res, status: () => status, headers: () => headers, body: () => body };
  }

  test('JSON bodies end with a newline like Go\'s encoder, with type and length', () => {
    const fake = fakeResponse();
    context('', undefined, fake.res).send(201, { Id: 'abc', Warnings: [] });
    expect(fake.status()).toBe(201);
    expect(fake.body()).toBe('{"Id":"abc","Warnings":[]}\n');
    expect(fake.headers()).toEqual({ 'Content-Type': 'application/json', 'Content-Length': 27 });
  });

  test('no body: only the status and given headers', () => {
    const fake = fakeResponse();
    context('', undefined, fake.res).send(204, undefined, { 'X-Test': '1' });
    expect(fake.status()).toBe(204);
    expect(fake.headers()).toEqual({ 'X-Test': '1' });
    expect(fake.body()).toBe('');
  });

  test('an upgraded request has no response to send on', () => {
    expect(rejection(() => context('').send(200, {}))).toEqual({ message: 'this endpoint cannot be used with a connection upgrade', status: 400 });
  });

  test('errorBody: dockerd\'s {"message"} with the class\'s status', () => {
    expect(errorBody(new NotFoundError('No such container: web'))).toEqual({ status: 404, body: { message: 'No such container: web' } });
    expect(errorBody(new ConflictError('in use'))).toEqual({ status: 409, body: { message: 'in use' } });
    expect(errorBody(new Error('boom')).status).toBe(500);
  });
});

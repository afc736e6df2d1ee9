import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { EventBus, matchesFilters, type EngineEvent, type EventFilters, type Subscription } from './index.js';

const CONTAINER_ID = '3f1c0e5d9a7b'.padEnd(64, 'c');

function event(overrides: Partial<EngineEvent> & Pick<EngineEvent, 'Type' | 'Action'>, attributes: Record<string, string> = {}, id = CONTAINER_ID): EngineEvent {
  return { Actor: { ID: id, Attributes: attributes }, scope: 'local', time: 1, timeNano: 1e9, ...overrides };
}

const start = event({ Type: 'container', Action: 'start', from: 'nginx:alpine' }, { name: 'web', image: 'nginx:alpine', tier: 'web', env: 'prod' });
const execStart = event({ Type: 'container', Action: 'exec_start: sh -c date' }, { name: 'web', execID: 'e1' });
const health = event({ Type: 'container', Action: 'health_status: healthy' }, { name: 'web' });
const pull = event({ Type: 'image', Action: 'pull' }, { name: 'nginx' }, 'nginx:alpine');
const connect = event({ Type: 'network', Action: 'connect' }, { name: 'bridge', type: 'bridge', container: CONTAINER_ID }, 'f00d'.repeat(16));
const volume = event({ Type: 'volume', Action: 'create' }, { driver: 'local' }, 'webdata');
const tag = event({ Type: 'image', Action: 'tag' }, { name: 'busybox:latest' }, `sha256:${'ab'.repeat(32)}`);
const swarm = event({ Type: 'service', Action: 'update', scope: 'swarm' }, { name: 'api' }, 'svc1');

describe('matchesFilters', () => {
  const cases: Array<{ name: string; event: EngineEvent; filters: EventFilters; matches: boolean }> = [
    { name: 'no filters', event: start, filters: {}, matches: true },
    { name: 'type', event: start, filters: { type: ['container'] }, matches: true },
    { name: 'types are OR-ed', event: pull, filters: { type: ['container', 'image'] }, matches: true },
    { name: 'another type', event: start, filters: { type: ['image'] }, matches: false },
    { name: 'event', event: start, filters: { event: ['start'] }, matches: true },
    { name: 'another event', event: start, filters: { event: ['stop', 'die'] }, matches: false },
    { name: 'event name before the colon (exec_start)', event: execStart, filters: { event: ['exec_start'] }, matches: true },
    { name: 'event name before the colon (health_status)', event: health, filters: { event: ['health_status'] }, matches: true },
    { name: 'a prefix that is not a whole action', event: start, filters: { event: ['sta'] }, matches: false },
    { name: 'container by full id', event: start, filters: { container: [CONTAINER_ID] }, matches: true },
    { name: 'container by id prefix', event: start, filters: { container: ['3f1c0e'] }, matches: true },
    { name: 'container by name', event: start, filters: { container: ['web'] }, matches: true },
    { name: 'another container', event: start, filters: { container: ['db'] }, matches: false },
    { name: 'a container filter excludes non-container events', event: connect, filters: { container: [CONTAINER_ID] }, matches: false },
    { name: 'image by the container\'s image attribute', event: start, filters: { image: ['nginx:alpine'] }, matches: true },
    { name: 'image events by reference', event: pull, filters: { image: ['nginx:alpine'] }, matches: true },
    { name: 'image events by name attribute', event: pull, filters: { image: ['nginx'] }, matches: true },
    { name: 'another image', event: start, filters: { image: ['redis'] }, matches: false },
    { name: 'image events by their tagged name, filtered by the repository alone', event: tag, filters: { image: ['busybox'] }, matches: true },
    { name: 'container events by the image without its tag', event: start, filters: { image: ['nginx'] }, matches: true },
    { name: 'container by a name prefix (dockerd fuzzy-matches names)', event: start, filters: { container: ['we'] }, matches: true },
    { name: 'network by name', event: connect, filters: { network: ['bridge'] }, matches: true },
    { name: 'network by id prefix', event: connect, filters: { network: ['f00d'] }, matches: true },
    { name: 'volume by name', event: volume, filters: { volume: ['webdata'] }, matches: true },
    { name: 'volume filter against a container event', event: start, filters: { volume: ['webdata'] }, matches: false },
    { name: 'scope', event: swarm, filters: { scope: ['swarm'] }, matches: true },
    { name: 'another scope', event: start, filters: { scope: ['swarm'] }, matches: false },
    { name: 'label key', event: start, filters: { label: ['tier'] }, matches: true },
    { name: 'label key=value', event: start, filters: { label: ['tier=web'] }, matches: true },
    { name: 'label with another value', event: start, filters: { label: ['tier=db'] }, matches: false },
    { name: 'labels are AND-ed (both present)', event: start, filters: { label: ['tier=web', 'env=prod'] }, matches: true },
    { name: 'labels are AND-ed (one missing)', event: start, filters: { label: ['tier=web', 'env=dev'] }, matches: false },
    { name: 'a label named like an Object.prototype key', event: start, filters: { label: ['constructor'] }, matches: false },
    { name: 'keys are AND-ed', event: start, filters: { type: ['container'], event: ['stop'] }, matches: false },
    { name: 'empty value lists do not filter', event: start, filters: { type: [], label: [] }, matches: true },
  ];
  for (const { name, event: e, filters, matches } of cases) {
    test(`${name} → ${matches ? 'passes' : 'filtered out'}`, () => expect(matchesFilters(e, filters)).toBe(matches));
  }
});

/** Reads `count` events from a subscription, failing instead of hanging. */
async function take(subscription: Subscription, count: number): Promise<EngineEvent[]> {
  const out: EngineEvent[] = [];
  const iterator = subscription[Symbol.asyncIterator]();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`only ${out.length} of ${count} events`)), 5000)));
  try {
    while (out.length < count) {
      const result = await Promise.race([iterator.next(), timeout]);
      if (result.done) break;
      out.push(result.value);
    }
  } finally {
    clearTimeout(timer);
  }
  return out;
}

describe('EventBus', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  test('container events carry Docker\'s legacy status/id/from fields; others do not', () => {
    const bus = new EventBus();
    const created = bus.emit('container', 'create', CONTAINER_ID, { name: 'web', image: 'nginx:alpine' });
    expect(created).toMatchObject({
      status: 'create',
      id: CONTAINER_ID,
      from: 'nginx:alpine',
      Type: 'container',
      Action: 'create',
      Actor: { ID: CONTAINER_ID, Attributes: { name: 'web', image: 'nginx:alpine' } },
      scope: 'local',
    });
    expect(created.time).toBe(Math.floor(created.timeNano / 1e9));
    const pulled = bus.emit('image', 'pull', 'nginx:alpine', { name: 'nginx' });
    expect(pulled).toMatchObject({ status: 'pull', id: 'nginx:alpine' });
    expect('from' in pulled).toBe(false);
    const network = bus.emit('network', 'connect', 'n1', { container: CONTAINER_ID });
    expect('status' in network || 'id' in network || 'from' in network).toBe(false);
    expect(bus.emit('service', 'update', 's1', {}, 'swarm').scope).toBe('swarm');
  });

  test('timeNano is strictly increasing and close to the wall clock', () => {
    const bus = new EventBus();
    const before = Date.now() * 1e6;
    const times = Array.from({ length: 2000 }, () => bus.emit('container', 'exec_create', 'x').timeNano);
    for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThan(times[i - 1]);
    expect(times[0]).toBeGreaterThanOrEqual(before - 1e6);
  });

  test('timeNano stays strictly increasing for events emitted within the same few hundred nanoseconds', () => {
    const bus = new EventBus();
    vi.spyOn(Date, 'now').mockReturnValue(1_800_000_000_000);
    let nanos = 500_000n;
    vi.spyOn(process.hrtime, 'bigint').mockImplementation(() => (nanos += 100n));
    const times = Array.from({ length: 50 }, () => bus.emit('container', 'attach', 'x').timeNano);
    for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThan(times[i - 1]);
  });

  test('timeNano stays increasing when the clock steps back', () => {
    const bus = new EventBus();
    const now = vi.spyOn(Date, 'now').mockReturnValue(1_800_000_000_000);
    const first = bus.emit('container', 'start', 'x').timeNano;
    now.mockReturnValue(1_799_999_000_000);
    expect(bus.emit('container', 'die', 'x').timeNano).toBeGreaterThan(first);
  });

  test('replay returns the events in [since, until], filtered, in order', () => {
    const bus = new EventBus();
    const events = ['create', 'start', 'die', 'destroy'].map((action) => bus.emit('container', action, CONTAINER_ID, { name: 'web' }));
    bus.emit('image', 'pull', 'nginx:alpine');
    expect(bus.replay({}, 0, Number.MAX_SAFE_INTEGER * 1e3).map((e) => e.Action)).toEqual(['create', 'start', 'die', 'destroy', 'pull']);
    expect(bus.replay({}, events[1].timeNano, events[2].timeNano).map((e) => e.Action)).toEqual(['start', 'die']);
    expect(bus.replay({ type: ['container'] }, events[2].timeNano, Number.MAX_SAFE_INTEGER * 1e3).map((e) => e.Action)).toEqual(['die', 'destroy']);
    expect(bus.replay({}, events[3].timeNano + 1000, Number.MAX_SAFE_INTEGER * 1e3).map((e) => e.Action)).toEqual(['pull']);
  });

  test('the in-memory history keeps only the last historyLimit events', () => {
    const bus = new EventBus({ historyLimit: 3 });
    for (const action of ['a', 'b', 'c', 'd', 'e']) bus.emit('container', action, 'x');
    expect(bus.replay({}, 0, Number.MAX_SAFE_INTEGER * 1e3).map((e) => e.Action)).toEqual(['c', 'd', 'e']);
  });

  test('subscribers get matching events in emit order, from subscription on', async () => {
    const bus = new EventBus();
    bus.emit('container', 'before', 'x');
    const all = bus.subscribe({});
    const starts = bus.subscribe({ event: ['start'] });
    expect(bus.subscriberCount).toBe(2);
    for (const action of ['create', 'start', 'die', 'start']) bus.emit('container', action, CONTAINER_ID);
    expect((await take(all, 4)).map((e) => e.Action)).toEqual(['create', 'start', 'die', 'start']);
    expect((await take(starts, 2)).map((e) => e.Action)).toEqual(['start', 'start']);
    all.close();
    starts.close();
    expect(bus.subscriberCount).toBe(0);
  });

  test('a subscriber waiting for an event is woken by it', async () => {
    const bus = new EventBus();
    const subscription = bus.subscribe({});
    const pending = take(subscription, 1);
    setTimeout(() => bus.emit('volume', 'create', 'v1'), 20);
    expect((await pending)[0]).toMatchObject({ Type: 'volume', Action: 'create' });
    subscription.close();
  });

  test('close ends the iteration after the queued events; closing twice is harmless', async () => {
    const bus = new EventBus();
    const subscription = bus.subscribe({});
    bus.emit('container', 'one', 'x');
    subscription.close();
    subscription.close();
    bus.emit('container', 'two', 'x');
    expect((await take(subscription, 5)).map((e) => e.Action)).toEqual(['one']);
  });

  test('closeAll ends every subscription', async () => {
    const bus = new EventBus();
    const subscriptions = [bus.subscribe({}), bus.subscribe({ type: ['image'] })];
    const pending = subscriptions.map((s) => take(s, 1));
    bus.closeAll();
    expect(await Promise.all(pending)).toEqual([[], []]);
    expect(bus.subscriberCount).toBe(0);
  });

  test('a subscriber that stops reading is cut off with an error after its queue cap, keeping the events it had', async () => {
    const bus = new EventBus({ historyLimit: 10 });
    const slow = bus.subscribe({});
    for (let i = 0; i <= 200_000; i++) bus.emit('container', 'exec_create', 'x');
    expect(bus.subscriberCount).toBe(0);
    let received = 0;
    await expect(
      (async () => {
        for await (const _ of slow) received++;
      })(),
    ).rejects.toThrow('event subscriber fell too far behind and was disconnected');
    expect(received).toBe(200_000);
  });

  describe('history file', () => {
    let dir: string;
    let file: string;
    beforeEach(async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'berth-events-'));
      file = path.join(dir, 'events.jsonl');
    });
    afterEach(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    test('events survive a re-open and later events keep increasing', async () => {
      const first = new EventBus({ historyFile: file });
      await first.open();
      const emitted = ['create', 'start'].map((action) => first.emit('container', action, CONTAINER_ID, { name: 'web' }));
      await first.flush();
      const second = new EventBus({ historyFile: file });
      await second.open();
      expect(second.replay({}, 0, Number.MAX_SAFE_INTEGER * 1e3)).toEqual(emitted);
      vi.spyOn(Date, 'now').mockReturnValue(0);
      expect(second.emit('container', 'die', CONTAINER_ID).timeNano).toBeGreaterThan(emitted[1].timeNano);
      vi.restoreAllMocks();
    });

    test('a missing file is an empty history', async () => {
      const bus = new EventBus({ historyFile: file });
      await bus.open();
      expect(bus.replay({}, 0, Number.MAX_SAFE_INTEGER * 1e3)).toEqual([]);
    });

    test('a torn last line (crash mid-write) is skipped', async () => {
      const first = new EventBus({ historyFile: file });
      await first.open();
      const kept = first.emit('image', 'pull', 'busybox:latest');
      await first.flush();
      await appendFile(file, '{"Type":"container","Action":"sta');
      const second = new EventBus({ historyFile: file });
      await second.open();
      expect(second.replay({}, 0, Number.MAX_SAFE_INTEGER * 1e3)).toEqual([kept]);
    });

    test('re-opening keeps the last historyLimit events', async () => {
      const lines = Array.from({ length: 8 }, (_, i) => JSON.stringify(event({ Type: 'container', Action: `a${i}`, timeNano: (i + 1) * 1e9, time: i + 1 })));
      await writeFile(file, `${lines.join('\n')}\n`);
      const bus = new EventBus({ historyFile: file, historyLimit: 3 });
      await bus.open();
      expect(bus.replay({}, 0, Number.MAX_SAFE_INTEGER * 1e3).map((e) => e.Action)).toEqual(['a5', 'a6', 'a7']);
    });

    test('the file is compacted to the history once it holds more than twice the limit', async () => {
      const bus = new EventBus({ historyFile: file, historyLimit: 4 });
      await bus.open();
      for (let i = 0; i < 9; i++) bus.emit('container', `e${i}`, 'x');
      await bus.flush();
      const lines = (await readFile(file, 'utf8')).trimEnd().split('\n');
      expect(lines.map((l) => (JSON.parse(l) as EngineEvent).Action)).toEqual(['e5', 'e6', 'e7', 'e8']);
      for (let i = 9; i < 12; i++) bus.emit('container', `e${i}`, 'x');
      await bus.flush();
      expect((await readFile(file, 'utf8')).trimEnd().split('\n')).toHaveLength(7);
      const reopened = new EventBus({ historyFile: file, historyLimit: 4 });
      await reopened.open();
      expect(reopened.replay({}, 0, Number.MAX_SAFE_INTEGER * 1e3).map((e) => e.Action)).toEqual(['e8', 'e9', 'e10', 'e11']);
    });
  });
});

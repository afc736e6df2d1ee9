// The engine's event bus: every object action becomes a Docker-shaped event, kept in a bounded
// history on disk (so `events --since` replays across daemon restarts) and fanned out to live
// subscribers without loss (a subscriber that falls too far behind is cut off with an error).

import { appendFile, readFile, rename, writeFile } from 'node:fs/promises';
import { hasErrno } from '../../errdefs/index.js';

export type EventType = 'container' | 'image' | 'network' | 'volume' | 'daemon' | 'plugin' | 'service' | 'node' | 'secret' | 'config';

export interface EngineEvent {
  status?: string;
  id?: string;
  from?: string;
  Type: EventType;
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  scope: 'local' | 'swarm';
  time: number;
  timeNano: number;
}

export type EventFilters = Record<string, string[]>;

/** "busybox:latest" → "busybox", "repo@sha256:…" → "repo"; a registry port ("host:5000/x") stays. */
function stripTag(reference: string): string {
  return reference.replace(/@.*$/, '').replace(/:[^/:]*$/, '');
}

/** Whether an event passes Docker's filters (pure). Values of one key are OR-ed (labels AND-ed), keys AND-ed. */
export function matchesFilters(event: EngineEvent, filters: EventFilters): boolean {
  const attrs = event.Actor.Attributes;
  const any = (key: string, test: (value: string) => boolean): boolean => {
    const values = filters[key];
    return !values || values.length === 0 || values.some(test);
  };
  // dockerd's FuzzyMatch: the id or the name starts with the value.
  const byIdOrName = (value: string): boolean => event.Actor.ID.startsWith(value) || (attrs.name ?? '').startsWith(value);
  // dockerd's matchImage: the image (a container's `image`, an image event's `name`) with or without its tag.
  const imageName = event.Type === 'image' ? attrs.name : attrs.image;
  const byImage = (value: string): boolean =>
    event.Actor.ID === value || imageName === value || event.from === value || (imageName !== undefined && stripTag(imageName) === value);
  return (
    any('type', (v) => event.Type === v) &&
    any('event', (v) => event.Action === v || event.Action.startsWith(`${v}:`)) &&
    any('container', (v) => event.Type === 'container' && byIdOrName(v)) &&
    any('image', (v) => (event.Type === 'image' && byIdOrName(v)) || byImage(v)) &&
    any('network', (v) => event.Type === 'network' && byIdOrName(v)) &&
    any('volume', (v) => event.Type === 'volume' && byIdOrName(v)) &&
    any('scope', (v) => event.scope === v) &&
    any('daemon', (v) => event.Type === 'daemon' && byIdOrName(v)) &&
    // Unlike the other keys, every label filter must match (dockerd's MatchKVList).
    (filters.label ?? []).every((v) => {
      const eq = v.indexOf('=');
      const key = eq < 0 ? v : v.slice(0, eq);
      return Object.hasOwn(attrs, key) && (eq < 0 || attrs[key] === v.slice(eq + 1));
    })
  );
}

const lines = new WeakMap<EngineEvent, string>();

/** The event as one JSON line, serialised once however many subscribers and files it goes to. */
export function eventLine(event: EngineEvent): string {
  let line = lines.get(event);
  if (line === undefined) {
    line = `${JSON.stringify(event)}\n`;
    lines.set(event, line);
  }
  return line;
}

export interface Subscription extends AsyncIterable<EngineEvent> {
  close(): void;
}

/** Events a subscriber may have queued before it is cut off (it is not reading). */
const SUBSCRIBER_QUEUE_CAP = 200_000;

class Subscriber implements Subscription {
  /** Events not yet read are queue[head..]; the consumed prefix is dropped once it is half the array. */
  private queue: EngineEvent[] = [];
  private head = 0;
  private wake: (() => void) | undefined;
  private done = false;
  private error: Error | undefined;

  constructor(
    private readonly filters: EventFilters,
    private readonly onClose: (s: Subscriber) => void,
  ) {}

  push(event: EngineEvent): void {
    if (this.done || !matchesFilters(event, this.filters)) return;
    if (this.queue.length - this.head >= SUBSCRIBER_QUEUE_CAP) {
      this.error = new Error('event subscriber fell too far behind and was disconnected');
      this.close();
      return;
    }
    this.queue.push(event);
    this.wake?.();
  }

  close(): void {
    if (this.done) return;
    this.done = true;
    this.onClose(this);
    this.wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<EngineEvent> {
    for (;;) {
      if (this.head < this.queue.length) {
        const event = this.queue[this.head++];
        if (this.head * 2 >= this.queue.length) {
          this.queue = this.queue.slice(this.head);
          this.head = 0;
        }
        yield event;
        continue;
      }
      if (this.error) throw this.error;
      if (this.done) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
  }
}

export interface EventBusOptions {
  /** JSON-lines file holding the history; absent for an in-memory bus. */
  historyFile?: string;
  /** Events kept for replay. */
  historyLimit?: number;
}

export class EventBus {
  private history: EngineEvent[] = [];
  private readonly subscribers = new Set<Subscriber>();
  private readonly limit: number;
  private linesOnDisk = 0;
  private lastNano = 0n;
  private writeChain: Promise<void> = Promise.resolve();
  /** Lines waiting for the next append (see persist). */
  private unwritten: string[] = [];

  constructor(private readonly options: EventBusOptions = {}) {
    this.limit = options.historyLimit ?? 10_000;
  }

  /** Loads the persisted history. */
  async open(): Promise<void> {
    if (!this.options.historyFile) return;
    let text = '';
    try {
      text = await readFile(this.options.historyFile, 'utf8');
    } catch (err) {
      if (!hasErrno(err, 'ENOENT')) throw err;
    }
    const events: EngineEvent[] = [];
    for (const line of text.split('\n')) {
      if (!line) continue;
      try {
        events.push(JSON.parse(line) as EngineEvent);
      } catch {
        // a torn last line after a crash: skip it
      }
    }
    this.history = events.slice(-this.limit);
    this.lastNano = BigInt(this.history.at(-1)?.timeNano ?? 0);
    this.linesOnDisk = events.length;
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  /** Records and broadcasts an event. */
  emit(type: EventType, action: string, id: string, attributes: Record<string, string> = {}, scope: 'local' | 'swarm' = 'local'): EngineEvent {
    let nowNs = BigInt(Date.now()) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n);
    // Strictly increasing in steps a double can still tell apart (its step here is 256 ns), so
    // times sort in emit order.
    if (nowNs < this.lastNano + 1000n) nowNs = this.lastNano + 1000n;
    this.lastNano = nowNs;
    const event: EngineEvent = {
      ...(type === 'container' || type === 'image' ? { status: action, id, ...(attributes.image && type === 'container' ? { from: attributes.image } : {}) } : {}),
      Type: type,
      Action: action,
      Actor: { ID: id, Attributes: attributes },
      scope,
      time: Number(nowNs / 1_000_000_000n),
      timeNano: Number(nowNs),
    };
    this.history.push(event);
    if (this.history.length > this.limit) this.history.splice(0, this.history.length - this.limit);
    for (const subscriber of this.subscribers) subscriber.push(event);
    this.persist(event);
    return event;
  }

  /**
   * Appends the event to the history file. Lines emitted while a write is in flight go out together
   * in the next one (group commit), so a burst costs one append, not one per event.
   */
  private persist(event: EngineEvent): void {
    const file = this.options.historyFile;
    if (!file) return;
    this.unwritten.push(eventLine(event));
    if (this.unwritten.length > 1) return;
    this.writeChain = this.writeChain
      .then(async () => {
        const lines = this.unwritten.splice(0);
        await appendFile(file, lines.join(''));
        this.linesOnDisk += lines.length;
        if (this.linesOnDisk > this.limit * 2) {
          const temp = `${file}.tmp`;
          await writeFile(temp, this.history.map(eventLine).join(''));
          await rename(temp, file);
          this.linesOnDisk = this.history.length;
        }
      })
      .catch(() => undefined);
  }

  /** Waits until every emitted event is on disk. */
  flush(): Promise<void> {
    return this.writeChain;
  }

  /** Past events in [sinceNs, untilNs], filtered. */
  replay(filters: EventFilters, sinceNs: number, untilNs: number): EngineEvent[] {
    return this.history.filter((e) => e.timeNano >= sinceNs && e.timeNano <= untilNs && matchesFilters(e, filters));
  }

  subscribe(filters: EventFilters): Subscription {
    const subscriber = new Subscriber(filters, (s) => this.subscribers.delete(s));
    this.subscribers.add(subscriber);
    return subscriber;
  }

  closeAll(): void {
    for (const subscriber of [...this.subscribers]) subscriber.close();
  }
}

// Container output for `compose logs` and attached `up` (effects: logs streams through pkg/client,
// writes to the given streams; prefixing is pure): each line gets a `web-1  | ` prefix in the
// container's own colour, padded to the longest name, like docker compose v2's log consumer.

import type { Writable } from 'node:stream';
import { FrameDecoder, STDERR, type ContainerSummary, type EngineClient } from '../../client/index.js';
import { LABEL_CONTAINER_NUMBER, LABEL_PROJECT, LABEL_SERVICE } from '../labels.js';
import { summaryName } from './observe.js';

/** compose's rainbow: the colour of the n-th registered container. */
const RAINBOW = ['36', '33', '32', '35', '34', '36;1', '33;1', '32;1', '35;1', '34;1'];

/** The name compose shows for a container: without the project prefix unless container_name is custom. */
export function logName(container: Pick<ContainerSummary, 'Names' | 'Id' | 'Labels'>): string {
  const name = summaryName(container);
  const project = container.Labels?.[LABEL_PROJECT] ?? '';
  const expected = `${project}-${container.Labels?.[LABEL_SERVICE] ?? ''}-${container.Labels?.[LABEL_CONTAINER_NUMBER] ?? ''}`;
  return name === expected && project !== '' ? name.slice(project.length + 1) : name;
}

/** Accumulates bytes into whole lines (a trailing partial line waits for more). */
export class LineSplitter {
  private pending = '';
  push(chunk: string): string[] {
    this.pending += chunk;
    const lines = this.pending.split('\n');
    this.pending = lines.pop()!;
    return lines;
  }
  /** The unterminated rest, at end of stream. */
  flush(): string[] {
    const rest = this.pending;
    this.pending = '';
    return rest === '' ? [] : [rest];
  }
}

export interface LogPrinterOptions {
  readonly colors: boolean;
  /** `--no-log-prefix` turns this off. */
  readonly prefix: boolean;
}

/** Writes prefixed lines; the prefix width follows the longest name registered so far. */
export class LogPrinter {
  private readonly colourOf = new Map<string, string>();
  private width = 0;

  constructor(
    private readonly stdout: Writable,
    private readonly stderr: Writable,
    private readonly options: LogPrinterOptions,
  ) {}

  register(name: string): void {
    if (this.colourOf.has(name)) return;
    this.colourOf.set(name, RAINBOW[this.colourOf.size % RAINBOW.length]!);
    this.width = Math.max(this.width, name.length + 1);
  }

  private paint(name: string, text: string): string {
    return this.options.colors ? `\x1b[${this.colourOf.get(name)}m${text}\x1b[0m` : text;
  }

  /** The prefix of `name`'s lines (pure given the registered names). */
  prefixOf(name: string): string {
    this.register(name);
    return this.options.prefix ? this.paint(name, `${name.padEnd(this.width)} | `) : '';
  }

  line(name: string, stream: 'stdout' | 'stderr', text: string): void {
    (stream === 'stderr' ? this.stderr : this.stdout).write(`${this.prefixOf(name)}${text}\n`);
  }

  /** A status line such as `web-1 exited with code 0`, in the container's colour. */
  status(name: string, message: string): void {
    this.register(name);
    this.stdout.write(`${this.paint(name, `${name} ${message}`)}\n`);
  }
}

export interface StreamLogsOptions {
  readonly follow?: boolean;
  readonly tail?: string;
  readonly since?: string;
  readonly until?: string;
  readonly timestamps?: boolean;
  readonly signal?: AbortSignal;
}

/** Streams one container's logs through the printer until they end (or the signal aborts). */
export async function streamContainerLogs(client: EngineClient, containerId: string, name: string, tty: boolean, printer: LogPrinter, options: StreamLogsOptions): Promise<void> {
  printer.register(name);
  const { body } = await client.containers.logs(containerId, {
    stdout: true,
    stderr: true,
    follow: options.follow,
    tail: options.tail ?? 'all',
    since: options.since,
    until: options.until,
    timestamps: options.timestamps,
    signal: options.signal,
  });
  const out = new LineSplitter();
  const err = new LineSplitter();
  const decoder = tty ? undefined : new FrameDecoder();
  try {
    for await (const chunk of body) {
      if (decoder === undefined) {
        for (const line of out.push((chunk as Buffer).toString('utf8'))) printer.line(name, 'stdout', line);
        continue;
      }
      for (const piece of decoder.push(chunk as Buffer)) {
        const toStderr = piece.stream === STDERR;
        for (const line of (toStderr ? err : out).push(piece.data.toString('utf8'))) printer.line(name, toStderr ? 'stderr' : 'stdout', line);
      }
    }
  } catch (error) {
    if (options.signal?.aborted !== true) throw error;
  } finally {
    body.destroy();
  }
  for (const line of out.flush()) printer.line(name, 'stdout', line);
  for (const line of err.flush()) printer.line(name, 'stderr', line);
}

// Progress display for compose operations (effects: writes to one stream; the frame renderer is
// pure): a live line per resource in a terminal (compose v2's tty writer: spinner, aligned status
// column, timers), one line per event for --progress plain, JSON lines, or nothing.

import type { Writable } from 'node:stream';

export type ProgressStatus = 'working' | 'done' | 'warning' | 'error';

/** One resource's state change: `Container demo-web-1` is `Started`. */
export interface ProgressEvent {
  /** Resource as shown: `Container demo-web-1`, `Network demo_default`, `Volume demo_data`, `Image busybox`. */
  readonly id: string;
  readonly status: ProgressStatus;
  /** `Creating`, `Created`, `Starting`, `Started`, `Running`, `Waiting`, `Healthy`, … */
  readonly text: string;
  readonly details?: string;
}

export type ProgressMode = 'auto' | 'tty' | 'plain' | 'quiet' | 'json';
export const PROGRESS_MODES: readonly ProgressMode[] = ['auto', 'tty', 'plain', 'quiet', 'json'];

/** What the driver reports to; the writer decides how (or whether) it shows. */
export interface Progress {
  /** An operation begins: its name heads the tty display (`[+] Running 3/3`). */
  start(operation: string): void;
  on(event: ProgressEvent): void;
  /** A message after the resource lines (warnings, "up-to-date"). */
  tail(message: string): void;
  /** Renders the final state and stops the timer. Idempotent. */
  done(): void;
}

export type ProgressStream = Writable & { isTTY?: boolean; columns?: number; rows?: number };

export interface ProgressOptions {
  /** ANSI colours (compose's --ansi). */
  readonly colors: boolean;
  /** Wall clock in ms, for the timers. */
  readonly now?: () => number;
  /**
   * `up` attached to logs: Starting/Started events are left out of the tty display so they do not
   * mix with container output (compose does the same).
   */
  readonly attached?: boolean;
}

/** A progress sink that shows nothing (`--progress quiet`, and for callers without a display). */
export const NO_PROGRESS: Progress = { start: () => undefined, on: () => undefined, tail: () => undefined, done: () => undefined };

/** Resolves `auto`: a live display on a terminal, lines otherwise. */
export function resolveProgressMode(mode: ProgressMode, out: ProgressStream, colors: boolean): Exclude<ProgressMode, 'auto'> {
  if (mode !== 'auto') return mode;
  return out.isTTY === true && colors ? 'tty' : 'plain';
}

export function createProgress(mode: ProgressMode, out: ProgressStream, options: ProgressOptions): Progress {
  switch (resolveProgressMode(mode, out, options.colors)) {
    case 'quiet':
      return NO_PROGRESS;
    case 'json':
      return jsonProgress(out);
    case 'tty':
      return new TtyProgress(out, options);
    case 'plain':
      return plainProgress(out);
  }
}

/** compose's plain writer: ` <id> <text> <details>` per event. */
function plainProgress(out: Writable): Progress {
  return {
    start: () => undefined,
    on: (event) => out.write(` ${event.id} ${event.text}${event.details ? ` ${event.details}` : ''}\n`),
    tail: (message) => out.write(`${message}\n`),
    done: () => undefined,
  };
}

const JSON_STATUS: Record<ProgressStatus, string> = { working: 'Working', done: 'Done', warning: 'Warning', error: 'Error' };

/** compose's JSON writer: one object per event, empty fields left out. */
function jsonProgress(out: Writable): Progress {
  return {
    start: () => undefined,
    on: (event) => out.write(`${JSON.stringify({ id: event.id, status: JSON_STATUS[event.status], text: event.text, ...(event.details ? { details: event.details } : {}) })}\n`),
    tail: (message) => out.write(`${JSON.stringify({ tail: true, text: message })}\n`),
    done: () => undefined,
  };
}

// ---- tty ----

export interface ProgressTask {
  readonly id: string;
  status: ProgressStatus;
  text: string;
  details: string;
  readonly startedMs: number;
  endedMs: number | undefined;
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const SYMBOL: Partial<Record<ProgressStatus, string>> = { done: '✔', warning: '!', error: '✘' };

const ansi = (code: string) => (text: string) => `\x1b[${code}m${text}\x1b[0m`;
const COLOURS = {
  success: ansi('32'),
  warning: ansi('1;33'),
  error: ansi('1;31'),
  count: ansi('33'),
  timer: ansi('34'),
};
const plainText = (text: string): string => text;

function statusColour(status: ProgressStatus, colors: boolean): (text: string) => string {
  if (!colors) return plainText;
  if (status === 'done') return COLOURS.success;
  if (status === 'warning') return COLOURS.warning;
  if (status === 'error') return COLOURS.error;
  return plainText;
}

/**
 * One frame of the tty display (pure): the `[+] Operation done/total` header and a line per task
 * with its spinner or final mark, the id, the status aligned in a column, details, and the
 * elapsed time right-aligned to the terminal width.
 */
export function renderProgressFrame(tasks: readonly ProgressTask[], operation: string, nowMs: number, width: number, height: number, colors: boolean): string[] {
  const finished = tasks.filter((t) => t.status !== 'working').length;
  const lines = [`[+] ${operation} ${finished}/${tasks.length}`];
  const room = Math.max(height - 2, 1);
  const shown = tasks.length > room ? tasks.slice(0, room - 1) : tasks;
  const timers = shown.map((t) => `${(((t.endedMs ?? nowMs) - t.startedMs) / 1000).toFixed(1)}s`);
  const timerWidth = Math.max(0, ...timers.map((t) => t.length));
  const idWidth = Math.max(0, ...shown.map((t) => [...t.id].length));
  shown.forEach((task, i) => {
    const mark = SYMBOL[task.status] ?? SPINNER[Math.floor(nowMs / 100) % SPINNER.length];
    const colour = statusColour(task.status, colors);
    const markText = task.status === 'working' ? (colors ? COLOURS.count(mark) : mark) : colour(mark);
    let details = task.details;
    const before = 3 + idWidth + 1; // " ✔ " + id column + one more space
    let length = before + 1 + task.text.length + (details !== '' ? 1 + details.length : 0);
    const overflow = length + 1 + timerWidth - width;
    if (overflow > 0 && details !== '') {
      details = details.length - overflow > 3 ? `${details.slice(0, details.length - overflow - 3)}...` : '';
      length = before + 1 + task.text.length + (details !== '' ? 1 + details.length : 0);
    }
    const timer = timers[i]!.padStart(timerWidth);
    const timerPad = Math.max(width - length - timerWidth, 1);
    lines.push(
      ` ${markText} ${task.id}${' '.repeat(idWidth - [...task.id].length + 1)} ${colour(task.text)}${details !== '' ? ` ${details}` : ''}${' '.repeat(timerPad)}${colors ? COLOURS.timer(timer) : timer}`,
    );
  });
  if (shown.length < tasks.length) lines.push(` ... ${tasks.length - shown.length} more`);
  return lines;
}

class TtyProgress implements Progress {
  private readonly tasks = new Map<string, ProgressTask>();
  private readonly tails: string[] = [];
  private operation = 'Running';
  private timer: NodeJS.Timeout | undefined;
  private printedLines = 0;
  private finished = false;
  private readonly now: () => number;

  constructor(
    private readonly out: ProgressStream,
    private readonly options: ProgressOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  start(operation: string): void {
    this.operation = operation;
    if (this.timer === undefined && !this.finished) {
      this.timer = setInterval(() => this.print(), 100);
      this.timer.unref();
    }
  }

  on(event: ProgressEvent): void {
    if (this.options.attached === true && (event.text === 'Starting' || event.text === 'Started')) return;
    const now = this.now();
    const task = this.tasks.get(event.id);
    if (task === undefined) {
      this.tasks.set(event.id, { id: event.id, status: event.status, text: event.text, details: event.details ?? '', startedMs: now, endedMs: event.status === 'working' ? undefined : now });
      return;
    }
    if (event.status !== 'working' && task.status !== event.status) task.endedMs = now;
    if (event.status === 'working') task.endedMs = undefined;
    task.status = event.status;
    task.text = event.text;
    task.details = event.details ?? '';
  }

  tail(message: string): void {
    this.tails.push(message);
  }

  done(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.print();
    for (const message of this.tails) this.out.write(`${message}\n`);
  }

  private print(): void {
    if (this.tasks.size === 0) return;
    const width = (this.out.columns ?? 80) || 80;
    const height = (this.out.rows ?? 24) || 24;
    const lines = renderProgressFrame([...this.tasks.values()], this.operation, this.now(), width, height, this.options.colors);
    const up = this.printedLines > 0 ? `\x1b[${this.printedLines}A` : '';
    // Hide the cursor, go back over the previous frame, rewrite each line to its end.
    this.out.write(`\x1b[?25l${up}\r${lines.map((line) => `${line}\x1b[K`).join('\n')}\n\x1b[?25h`);
    this.printedLines = lines.length;
  }
}

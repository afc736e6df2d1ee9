// Pull and push progress as dockerd streams it (jsonmessage lines the docker CLI renders): status
// messages per layer id and the progress bar text. Pure, except the throttle's injected clock.

export interface ProgressMessage {
  status?: string;
  id?: string;
  progressDetail?: { current?: number; total?: number };
  progress?: string;
  aux?: Record<string, unknown>;
}

export type ProgressSink = (message: ProgressMessage) => void;

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];

/** go-units HumanSize: decimal units, 4 significant digits ("1.035MB", "512B"). */
export function humanSize(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${Number(value.toPrecision(4))}${UNITS[unit]}`;
}

/** jsonmessage's JSONProgress.String at the daemon's width: "[==>      ]  1.2MB/3.4MB". */
export function progressBar(current: number, total: number): string {
  if (total <= 0) return current > 0 ? humanSize(current).padStart(8) : '';
  const filled = Math.min(Math.floor((Math.floor((current / total) * 100)) / 2), 50);
  const bar = `[${'='.repeat(filled)}>${' '.repeat(Math.max(50 - filled, 0))}] `;
  const numbers = current > total ? humanSize(current).padStart(8) : `${humanSize(current).padStart(8)}/${humanSize(total)}`;
  return bar + numbers;
}

/** Layers show as the first 12 hex digits of their digest. */
export function shortDigest(digest: string): string {
  return digest.slice(digest.indexOf(':') + 1, digest.indexOf(':') + 13);
}

export function status(id: string | undefined, text: string): ProgressMessage {
  return id === undefined ? { status: text } : { status: text, progressDetail: {}, id };
}

export function progress(id: string, text: string, current: number, total: number): ProgressMessage {
  return { status: text, progressDetail: { current, total }, progress: progressBar(current, total), id };
}

/**
 * Rate-limits progress updates for one transfer: at most one per `intervalMs`, plus the final one.
 * The clock is injected so tests can drive it.
 */
export class ProgressThrottle {
  private last = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly emit: (current: number) => void,
    private readonly intervalMs = 100,
    private readonly now: () => number = Date.now,
  ) {}

  update(current: number, final = false): void {
    const time = this.now();
    if (!final && time - this.last < this.intervalMs) return;
    this.last = time;
    this.emit(current);
  }
}

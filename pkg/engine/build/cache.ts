// The build cache: which image a build step produced from which parent (pure key derivation plus
// an append-only index on disk). A step's key is its parent image id and the container config the
// legacy builder probes with (Cmd carries the instruction, "|N K=V" build args for RUN and the
// copied files' content digest for COPY/ADD), so equal inputs find the image made before.
import { createHash } from 'node:crypto';
import { appendFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hasErrno } from '../../errdefs/index.js';

/** Bumped when what a step produces changes for the same inputs; old entries then miss. */
export const CACHE_FORMAT = 'berth-build-cache/1';

/** JSON with object keys sorted at every level, so equal values give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The cache key of a step: sha256 over the format, the parent image id ("" for scratch) and the probe config. */
export function cacheKey(parentImageId: string, probeConfig: unknown): string {
  return createHash('sha256').update(`${CACHE_FORMAT}\n${parentImageId}\n${canonicalJson(probeConfig)}`).digest('hex');
}

/**
 * key → image id, kept in memory and appended to `<dir>/index.jsonl` (no fsync: losing the tail in
 * a crash only costs a rebuild). Entries whose image is gone are dropped when found.
 */
export class BuildCache {
  private readonly entries = new Map<string, string>();
  private readonly file: string;

  constructor(private readonly dir: string) {
    this.file = join(dir, 'index.jsonl');
  }

  async open(imageExists: (id: string) => boolean): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    let text = '';
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if (!hasErrno(err, 'ENOENT')) throw err;
    }
    let stale = 0;
    for (const line of text.split('\n')) {
      if (line === '') continue;
      try {
        const { key, image } = JSON.parse(line) as { key: string; image: string };
        if (imageExists(image)) this.entries.set(key, image);
        else stale++;
      } catch {
        stale++; // a torn last line
      }
    }
    if (stale > 0) await this.rewrite();
  }

  /** The image a step with this key made, if that image still exists. */
  get(key: string, imageExists: (id: string) => boolean): string | undefined {
    const image = this.entries.get(key);
    if (image === undefined) return undefined;
    if (imageExists(image)) return image;
    this.entries.delete(key);
    return undefined;
  }

  async set(key: string, image: string): Promise<void> {
    if (this.entries.get(key) === image) return;
    this.entries.set(key, image);
    await appendFile(this.file, `${JSON.stringify({ key, image })}\n`, { mode: 0o600 });
  }

  /** Forgets every entry (build cache prune); returns how many there were. */
  async clear(): Promise<number> {
    const count = this.entries.size;
    this.entries.clear();
    await this.rewrite();
    return count;
  }

  get size(): number {
    return this.entries.size;
  }

  private async rewrite(): Promise<void> {
    const text = [...this.entries].map(([key, image]) => `${JSON.stringify({ key, image })}\n`).join('');
    await writeFile(`${this.file}.tmp`, text, { mode: 0o600 });
    await rename(`${this.file}.tmp`, this.file);
  }
}

// What each layer (by diffID) is called on registries: the digest and size of its compressed blob,
// and where it was last seen (registry host + repository). Push uses it to skip compressing and
// uploading a layer a registry already has, or to mount it from another repository; pull records
// where each layer came from. One small JSON file, rewritten atomically. Effectful.
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../../fsutil/index.js';

export interface LayerSource {
  /** Digest of the compressed blob a registry stores. */
  digest: string;
  size: number;
  /** host[:port] and repository where the blob was pushed or pulled, when known. */
  registry?: string;
  repository?: string;
}

/** A few places per layer are plenty; the oldest are forgotten first. */
const MAX_SOURCES_PER_LAYER = 8;

export class LayerMap {
  private entries = new Map<string, LayerSource[]>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly file: string) {}

  async open(): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true, mode: 0o700 });
    try {
      const parsed = JSON.parse(await readFile(this.file, 'utf8')) as Record<string, LayerSource[]>;
      this.entries = new Map(Object.entries(parsed).filter(([, sources]) => Array.isArray(sources)));
    } catch (err) {
      if ((err as { code?: string }).code !== 'ENOENT' && !(err instanceof SyntaxError)) throw err;
      this.entries = new Map();
    }
  }

  /** Known blobs for a diffID, most recent first. */
  sources(diffId: string): readonly LayerSource[] {
    return this.entries.get(diffId) ?? [];
  }

  /** Remembers a source (moving it to the front) and saves the file. */
  async remember(diffId: string, source: LayerSource): Promise<void> {
    const same = (other: LayerSource): boolean => other.digest === source.digest && other.registry === source.registry && other.repository === source.repository;
    const current = this.entries.get(diffId) ?? [];
    if (current.length > 0 && same(current[0])) return;
    this.entries.set(diffId, [source, ...current.filter((other) => !same(other))].slice(0, MAX_SOURCES_PER_LAYER));
    await this.save();
  }

  private async save(): Promise<void> {
    const run = this.queue.then(() => writeFileAtomic(this.file, JSON.stringify(Object.fromEntries(this.entries))));
    this.queue = run.catch(() => undefined);
    await run;
  }
}

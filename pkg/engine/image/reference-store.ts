// Tags and digests pointing at image ids (dockerd's repositories.json), persisted atomically on
// every change. Effectful (one file).
import { readFile } from 'node:fs/promises';
import { ConflictError, hasErrno } from '../../errdefs/index.js';
import { writeFileAtomic } from '../snapshot/index.js';
import { familiarName, fullName, parseStoreKey, storeKey, type ImageReference } from './reference.js';

interface RepositoriesFile {
  /** repository full name → store key ("docker.io/library/busybox:latest") → image id */
  Repositories: Record<string, Record<string, string>>;
}

export class ReferenceStore {
  /** store key → image id */
  private readonly references = new Map<string, string>();

  constructor(private readonly file: string) {}

  async open(): Promise<void> {
    this.references.clear();
    let parsed: RepositoriesFile;
    try {
      parsed = JSON.parse(await readFile(this.file, 'utf8')) as RepositoriesFile;
    } catch (err) {
      if (hasErrno(err, 'ENOENT')) return;
      throw err;
    }
    for (const refs of Object.values(parsed.Repositories ?? {})) {
      for (const [key, id] of Object.entries(refs)) this.references.set(key, id);
    }
  }

  get(reference: ImageReference): string | undefined {
    return this.references.get(storeKey(reference));
  }

  /** Every reference to `id`, tags before digests, each group sorted. */
  referencesTo(id: string): ImageReference[] {
    const keys = [...this.references].filter(([, target]) => target === id).map(([key]) => key);
    const refs = keys.sort().map((key) => parseStoreKey(key));
    return [...refs.filter((ref) => ref.digest === undefined), ...refs.filter((ref) => ref.digest !== undefined)];
  }

  /** References whose repository is `reference`'s, any tag or digest. */
  byRepository(reference: Pick<ImageReference, 'domain' | 'path'>): { reference: ImageReference; id: string }[] {
    const name = fullName(reference);
    return [...this.references]
      .map(([key, id]) => ({ reference: parseStoreKey(key), id }))
      .filter((entry) => fullName(entry.reference) === name)
      .sort((a, b) => storeKey(a.reference).localeCompare(storeKey(b.reference)));
  }

  all(): { reference: ImageReference; id: string }[] {
    return [...this.references].map(([key, id]) => ({ reference: parseStoreKey(key), id }));
  }

  /**
   * Points `reference` at `id`. Returns the image it pointed at before, if another. A digest
   * reference is immutable: re-pointing it is a conflict.
   */
  async add(reference: ImageReference, id: string): Promise<string | undefined> {
    const key = storeKey(reference);
    const previous = this.references.get(key);
    if (previous === id) return undefined;
    if (previous !== undefined && reference.digest !== undefined) {
      throw new ConflictError(`Cannot overwrite digest ${reference.digest} of ${familiarName(reference)}`);
    }
    this.references.set(key, id);
    await this.persist();
    return previous;
  }

  async delete(reference: ImageReference): Promise<boolean> {
    if (!this.references.delete(storeKey(reference))) return false;
    await this.persist();
    return true;
  }

  private async persist(): Promise<void> {
    const file: RepositoriesFile = { Repositories: {} };
    for (const [key, id] of [...this.references].sort(([a], [b]) => a.localeCompare(b))) {
      const repository = fullName(parseStoreKey(key));
      (file.Repositories[repository] ??= {})[key] = id;
    }
    await writeFileAtomic(this.file, JSON.stringify(file));
  }
}

// Persistence of container records: one directory per container under <data-root>/containers,
// config.json written atomically on every change, loaded in full at daemon start.

import { mkdir, readFile, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { hasErrno } from '../../errdefs/index.js';
import { writeJsonAtomic } from '../../fsutil/index.js';
import type { ContainerRecord } from './record.js';

export class ContainerStore {
  constructor(readonly root: string) {}

  dir(id: string): string {
    return path.join(this.root, id);
  }

  async init(): Promise<void> {
    await mkdir(this.root, { recursive: true, mode: 0o710 });
  }

  /** Every record on disk; unreadable ones are reported, not fatal. */
  async loadAll(onBroken: (id: string, err: unknown) => void): Promise<ContainerRecord[]> {
    const records: ContainerRecord[] = [];
    let entries: string[];
    try {
      entries = await readdir(this.root);
    } catch (err) {
      if (hasErrno(err, 'ENOENT')) return [];
      throw err;
    }
    for (const id of entries) {
      if (!/^[0-9a-f]{64}$/.test(id)) continue;
      try {
        records.push(JSON.parse(await readFile(path.join(this.root, id, 'config.json'), 'utf8')) as ContainerRecord);
      } catch (err) {
        onBroken(id, err);
      }
    }
    return records;
  }

  async create(record: ContainerRecord): Promise<void> {
    await mkdir(this.dir(record.id), { recursive: true, mode: 0o710 });
    await this.save(record);
  }

  save(record: ContainerRecord): Promise<void> {
    return writeJsonAtomic(path.join(this.dir(record.id), 'config.json'), record);
  }

  async remove(id: string): Promise<void> {
    await rm(this.dir(id), { recursive: true, force: true });
  }
}

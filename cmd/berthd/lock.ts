// One berthd per data root: a pid file in the data root, checked against the live process table,
// so a second daemon on the same state refuses to start instead of corrupting it.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

async function isBerthd(pid: number): Promise<boolean> {
  try {
    return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).includes('berthd');
  } catch {
    return false;
  }
}

/** Takes the data root for this process; throws naming the other daemon if it is taken. */
export async function lockDataRoot(dataRoot: string): Promise<() => Promise<void>> {
  await mkdir(dataRoot, { recursive: true, mode: 0o711 });
  const file = path.join(dataRoot, 'berthd.lock');
  try {
    const other = Number((await readFile(file, 'utf8')).trim());
    if (other > 0 && other !== process.pid && (await isBerthd(other))) {
      throw new Error(`another berthd (pid ${other}) is using the data root ${dataRoot}: stop it first, or give this one its own --data-root`);
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await writeFile(file, `${process.pid}\n`);
  return async () => {
    await rm(file, { force: true });
  };
}

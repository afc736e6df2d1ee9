// The only module that runs mount(8) and umount(8), plus reading /proc/self/mountinfo to learn
// what is mounted. Effectful.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { InternalError } from '../../errdefs/index.js';

const execFileAsync = promisify(execFile);

/** An overlay mount of a 100-layer image takes well under a second; 60 s means something hung. */
const TIMEOUT_MS = 60_000;
const TOOL_ENV = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C' };

async function run(program: string, argv: string[], cwd?: string): Promise<void> {
  try {
    await execFileAsync(program, argv, { timeout: TIMEOUT_MS, env: TOOL_ENV, cwd });
  } catch (err) {
    const stderr = String((err as { stderr?: unknown }).stderr ?? '').trim();
    const detail = stderr || (err instanceof Error ? err.message : String(err));
    throw new InternalError(`${program} ${argv.join(' ')}: ${detail}`, { cause: err });
  }
}

export interface OverlayMountSpec {
  /** Lower directories, top-most first, relative to `cwd` (kept short for the one-page option limit). */
  lowerDirs: string[];
  upperDir: string;
  workDir: string;
  target: string;
  /** The mount runs here so that relative lower/upper/work paths resolve. */
  cwd: string;
}

/** Builds the overlay option string (pure); throws when it exceeds the kernel's one-page limit. */
export function overlayOptions(spec: Pick<OverlayMountSpec, 'lowerDirs' | 'upperDir' | 'workDir'>): string {
  const options = `index=off,lowerdir=${spec.lowerDirs.join(':')},upperdir=${spec.upperDir},workdir=${spec.workDir}`;
  // The kernel copies mount data into a single page.
  if (Buffer.byteLength(options) >= 4096) {
    throw new InternalError(`overlay mount options are ${Buffer.byteLength(options)} bytes, over the 4096-byte page limit`);
  }
  return options;
}

export async function mountOverlay(spec: OverlayMountSpec): Promise<void> {
  await run('mount', ['-t', 'overlay', 'overlay', '-o', overlayOptions(spec), spec.target], spec.cwd);
}

/** Unmounts `target`; lazy detach when the ordinary unmount reports it busy. */
export async function unmount(target: string): Promise<void> {
  try {
    await run('umount', [target]);
  } catch (err) {
    if (!(err instanceof InternalError) || !/busy/i.test(err.message)) throw err;
    await run('umount', ['-l', target]);
  }
}

/** Mount points from /proc/self/mountinfo (field 5, octal escapes decoded). */
export async function listMountPoints(): Promise<Set<string>> {
  const text = await readFile('/proc/self/mountinfo', 'utf8');
  return parseMountInfo(text);
}

export function parseMountInfo(text: string): Set<string> {
  const points = new Set<string>();
  for (const line of text.split('\n')) {
    const fields = line.split(' ');
    if (fields.length < 5) continue;
    points.add(fields[4].replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8))));
  }
  return points;
}

export async function isMountPoint(path: string): Promise<boolean> {
  return (await listMountPoints()).has(path);
}

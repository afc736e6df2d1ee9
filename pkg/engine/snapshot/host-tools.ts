// The only module that runs the node-creating and xattr programs (mknod, setfattr, getfattr from
// Debian's coreutils and attr packages): Node has no mknod(2) or xattr API. Effectful.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { InternalError } from '../../errdefs/index.js';

const execFileAsync = promisify(execFile);

/** Each call touches one inode; 30 s only trips on a hung filesystem. */
const TIMEOUT_MS = 30_000;
const TOOL_ENV = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C' };

export const OPAQUE_XATTR = 'trusted.overlay.opaque';

async function run(program: string, argv: string[], signal?: AbortSignal): Promise<string> {
  try {
    const { stdout } = await execFileAsync(program, argv, {
      timeout: TIMEOUT_MS,
      env: TOOL_ENV,
      signal,
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout;
  } catch (err) {
    const stderr = String((err as { stderr?: unknown }).stderr ?? '').trim();
    const detail = stderr || (err instanceof Error ? err.message : String(err));
    throw new InternalError(`${program} ${argv.join(' ')}: ${detail}`, { cause: err });
  }
}

export type NodeKind = 'char' | 'block' | 'fifo';

/** Creates a device node or fifo at `path` (which must not exist) with the given permission bits. */
export async function makeNode(path: string, kind: NodeKind, major = 0, minor = 0, mode = 0o600): Promise<void> {
  const modeArg = ['-m', (mode & 0o7777).toString(8)];
  if (kind === 'fifo') {
    await run('mknod', [...modeArg, '--', path, 'p']);
    return;
  }
  await run('mknod', [...modeArg, '--', path, kind === 'char' ? 'c' : 'b', String(major), String(minor)]);
}

/** An overlay whiteout: a character device 0:0 hiding `path` of the lower layers. */
export async function makeWhiteout(path: string): Promise<void> {
  await makeNode(path, 'char', 0, 0, 0o000);
}

/** Marks a directory opaque for overlayfs: lower layers' entries below it are hidden. */
export async function setOpaque(dirPath: string): Promise<void> {
  await run('setfattr', ['-h', '-n', OPAQUE_XATTR, '-v', 'y', '--', dirPath]);
}

/**
 * Lists every directory under `root` (recursively, never following symlinks) whose opaque xattr
 * is "y". One process for the whole tree rather than one per directory.
 */
export async function listOpaqueDirs(root: string): Promise<string[]> {
  // -d -m dumps only the matching attribute, so files without it are no error (exit 0).
  const pattern = `^${OPAQUE_XATTR.replace(/\./g, '\\.')}$`;
  const stdout = await run('getfattr', ['-R', '-P', '-h', '--absolute-names', '-d', '-m', pattern, '--', root]);
  return parseGetfattrOutput(stdout)
    .filter((entry) => entry.value === 'y')
    .map((entry) => entry.path);
}

/** Parses `getfattr -n NAME` output: "# file: PATH" then `NAME="VALUE"` lines (pure). */
export function parseGetfattrOutput(stdout: string): { path: string; value: string }[] {
  const result: { path: string; value: string }[] = [];
  let current: string | undefined;
  for (const line of stdout.split('\n')) {
    if (line.startsWith('# file: ')) {
      current = unescapeOctal(line.slice('# file: '.length));
      continue;
    }
    const eq = line.indexOf('=');
    if (current !== undefined && eq > 0) {
      let value = line.slice(eq + 1);
      if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
      result.push({ path: current, value });
      current = undefined;
    }
  }
  return result;
}

/** getfattr escapes unusual bytes in names as \ooo octal (pure). */
export function unescapeOctal(text: string): string {
  const bytes: number[] = [];
  const raw = Buffer.from(text, 'utf8');
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === 0x5c && i + 3 < raw.length && /^[0-7]{3}$/.test(raw.subarray(i + 1, i + 4).toString('latin1'))) {
      bytes.push(parseInt(raw.subarray(i + 1, i + 4).toString('latin1'), 8));
      i += 3;
    } else {
      bytes.push(raw[i]);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

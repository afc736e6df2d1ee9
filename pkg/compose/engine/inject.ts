// Secrets and configs given as environment or content (effects: PUT archive through pkg/client;
// the tar encoder is pure): compose copies each one into the container as a file before it starts,
// mode 0444 unless the service says otherwise, like docker compose v2's injectFileReferences.

import type { EngineClient } from '../../client/index.js';
import type { FileInjection } from '../mounts.js';

const BLOCK = 512;

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

/** A ustar header block for a regular file. */
function header(name: string, size: number, mode: number, uid: number, gid: number, mtimeSeconds: number): Buffer {
  const block = Buffer.alloc(BLOCK, 0);
  let path = name;
  let prefix = '';
  if (Buffer.byteLength(path) > 100) {
    const cut = path.lastIndexOf('/', 155);
    if (cut <= 0 || Buffer.byteLength(path.slice(cut + 1)) > 100) throw new RangeError(`path too long for a tar header: ${name}`);
    prefix = path.slice(0, cut);
    path = path.slice(cut + 1);
  }
  block.write(path, 0, 100, 'utf8');
  block.write(octal(mode & 0o7777, 8), 100, 8, 'ascii');
  block.write(octal(uid, 8), 108, 8, 'ascii');
  block.write(octal(gid, 8), 116, 8, 'ascii');
  block.write(octal(size, 12), 124, 12, 'ascii');
  block.write(octal(mtimeSeconds, 12), 136, 12, 'ascii');
  block.write('        ', 148, 8, 'ascii'); // checksum placeholder: eight spaces
  block.write('0', 156, 1, 'ascii'); // regular file
  block.write('ustar\0', 257, 6, 'ascii');
  block.write('00', 263, 2, 'ascii');
  block.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
  return block;
}

function parseId(value: string | undefined, what: string, target: string): number {
  if (value === undefined || value === '') return 0;
  if (!/^\d+$/.test(value)) throw new RangeError(`${what} of ${target} must be numeric, got "${value}"`);
  return Number.parseInt(value, 10);
}

/** A tar holding the injected files, named by their absolute target without the leading slash (pure). */
export function injectionArchive(injections: readonly FileInjection[], mtimeSeconds: number): Buffer {
  const parts: Buffer[] = [];
  for (const file of injections) {
    const content = Buffer.from(file.content, 'utf8');
    const name = file.target.replace(/^\/+/, '');
    parts.push(header(name, content.length, file.mode, parseId(file.uid, 'uid', file.target), parseId(file.gid, 'gid', file.target), mtimeSeconds));
    parts.push(content);
    const padding = (BLOCK - (content.length % BLOCK)) % BLOCK;
    if (padding > 0) parts.push(Buffer.alloc(padding, 0));
  }
  parts.push(Buffer.alloc(BLOCK * 2, 0));
  return Buffer.concat(parts);
}

/** Copies the files into the (created, not yet started) container at `/`. */
export async function injectFiles(client: EngineClient, containerId: string, injections: readonly FileInjection[], options: { signal?: AbortSignal; nowMs: number }): Promise<void> {
  if (injections.length === 0) return;
  const copyOwnership = injections.some((file) => (file.uid ?? '') !== '' || (file.gid ?? '') !== '');
  await client.containers.putArchive(containerId, '/', injectionArchive(injections, Math.floor(options.nowMs / 1000)), { copyUIDGID: copyOwnership, signal: options.signal });
}

// POST /build for the client (effects via Transport and the local filesystem): the build context
// as a tar the way the docker CLI makes it (.dockerignore applied, the Dockerfile and .dockerignore
// always sent, owners zeroed, a Dockerfile outside the context added under a private name) and the
// build request itself, yielding the daemon's JSON progress messages.
import { randomBytes } from 'node:crypto';
import { createReadStream, type Stats } from 'node:fs';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join, posix, relative, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { InvalidArgumentError } from '../errdefs/index.js';
import { isExcluded, parseDockerignore, type IgnorePattern } from '../dockerignore/index.js';
import type { Abortable } from './containers.js';
import { readJsonStream } from './json-stream.js';
import type { Transport } from './transport.js';
import type { JsonMessage } from './types-image.js';

export interface ImageBuildOptions extends Abortable {
  /** Dockerfile path inside the context (the `dockerfile` query). */
  dockerfile?: string;
  tags?: readonly string[];
  /** --build-arg: null for a name given without a value that is not in the environment either. */
  buildArgs?: Readonly<Record<string, string | null>>;
  labels?: Readonly<Record<string, string>>;
  target?: string;
  noCache?: boolean;
  quiet?: boolean;
  /** Remove intermediate containers after a successful build (default true). */
  remove?: boolean;
  forceRemove?: boolean;
  pull?: boolean;
  networkMode?: string;
  platform?: string;
}

export interface BuildContextOptions {
  /** Dockerfile as given with -f: relative to the working directory, possibly outside the context. */
  dockerfile?: string;
  /** Dockerfile text to send instead of a file (`-f -`). */
  dockerfileText?: string;
}

export interface BuildContextTar {
  stream: Readable;
  /** The `dockerfile` query value: the Dockerfile's path inside the tar. */
  dockerfile: string;
}

interface WalkEntry {
  path: string;
  name: string;
  stats: Stats;
}

/** Files below `root` in lexical order, skipping what .dockerignore excludes (directories pruned when no exception can reach inside). */
async function walk(root: string, patterns: readonly IgnorePattern[], keep: ReadonlySet<string>): Promise<WalkEntry[]> {
  const entries: WalkEntry[] = [];
  const hasExceptions = patterns.some((pattern) => pattern.exclusion);
  const visit = async (dir: string, prefix: string): Promise<void> => {
    for (const name of (await readdir(dir)).sort()) {
      const path = join(dir, name);
      const entryName = prefix === '' ? name : `${prefix}/${name}`;
      const stats = await lstat(path);
      const excluded = !keep.has(entryName) && isExcluded(patterns, entryName);
      if (stats.isDirectory()) {
        if (excluded && !hasExceptions && ![...keep].some((kept) => kept.startsWith(`${entryName}/`))) continue;
        if (!excluded) entries.push({ path, name: entryName, stats });
        await visit(path, entryName);
      } else if (!excluded && (stats.isFile() || stats.isSymbolicLink())) {
        entries.push({ path, name: entryName, stats });
      }
    }
  };
  await visit(root, '');
  return entries;
}

async function packEntries(pack: tar.Pack, entries: readonly WalkEntry[], extra: { name: string; content: Buffer } | undefined): Promise<void> {
  const add = async (header: Parameters<tar.Pack['entry']>[0], body?: Buffer | Readable): Promise<void> => {
    if (!(body instanceof Readable)) {
      await new Promise<void>((resolveEntry, reject) => pack.entry(header, body ?? Buffer.alloc(0), (err) => (err ? reject(err) : resolveEntry())));
      return;
    }
    let finished!: (err?: Error | null) => void;
    const done = new Promise<void>((resolveEntry, reject) => (finished = (err) => (err ? reject(err) : resolveEntry())));
    const entry = pack.entry(header, finished);
    for await (const chunk of body) {
      // Wait for the tar to drain rather than buffer a whole file in memory.
      if (!entry.write(chunk as Buffer)) await new Promise<void>((resolveDrain) => entry.once('drain', () => resolveDrain()));
    }
    entry.end(null);
    await done;
  };
  for (const { path, name, stats } of entries) {
    // The docker CLI sends every entry as root-owned.
    const base = { name, mode: stats.mode & 0o7777, uid: 0, gid: 0, mtime: stats.mtime };
    if (stats.isDirectory()) await add({ ...base, type: 'directory' });
    else if (stats.isSymbolicLink()) await add({ ...base, type: 'symlink', linkname: await readlink(path) });
    else await add({ ...base, type: 'file', size: stats.size }, stats.size > 0 ? createReadStream(path, { end: stats.size - 1 }) : undefined);
  }
  if (extra !== undefined) await add({ name: extra.name, mode: 0o644, uid: 0, gid: 0, mtime: new Date(), type: 'file', size: extra.content.length }, extra.content);
}

/** Tars the context directory as `docker build` sends it. */
export async function createBuildContext(contextDir: string, options: BuildContextOptions = {}): Promise<BuildContextTar> {
  const root = resolve(contextDir);
  const stats = await lstat(root).catch(() => undefined);
  if (stats === undefined || !stats.isDirectory()) throw new InvalidArgumentError(`unable to prepare context: path "${contextDir}" not found`);
  let ignoreText = '';
  try {
    ignoreText = await readFile(join(root, '.dockerignore'), 'utf8');
  } catch {
    // no .dockerignore
  }
  const patterns = parseDockerignore(ignoreText);
  let dockerfileName = 'Dockerfile';
  let extra: { name: string; content: Buffer } | undefined;
  if (options.dockerfileText !== undefined) {
    dockerfileName = `.dockerfile.${randomBytes(10).toString('hex')}`;
    extra = { name: dockerfileName, content: Buffer.from(options.dockerfileText) };
  } else if (options.dockerfile !== undefined && options.dockerfile !== '') {
    // As the docker CLI: -f is relative to the working directory, not to the context.
    const absolute = resolve(options.dockerfile);
    if ((await lstat(absolute).catch(() => undefined)) === undefined) {
      throw new InvalidArgumentError(`unable to prepare context: unable to evaluate symlinks in Dockerfile path: lstat ${absolute}: no such file or directory`);
    }
    const inside = relative(root, absolute);
    if (inside.startsWith('..') || inside === '' || resolve(root, inside) !== absolute) {
      // Outside the context: sent under a private name, as the docker CLI does.
      dockerfileName = `.dockerfile.${randomBytes(10).toString('hex')}`;
      extra = { name: dockerfileName, content: await readFile(absolute) };
    } else dockerfileName = inside.split(sep).join('/');
  } else {
    const found = await lstat(join(root, 'Dockerfile')).catch(() => undefined);
    if (found === undefined && (await lstat(join(root, 'dockerfile')).catch(() => undefined)) !== undefined) dockerfileName = 'dockerfile';
  }
  if (extra === undefined && (await lstat(join(root, dockerfileName)).catch(() => undefined)) === undefined) {
    throw new InvalidArgumentError(`unable to prepare context: unable to evaluate symlinks in Dockerfile path: lstat ${join(root, dockerfileName)}: no such file or directory`);
  }
  // The daemon needs both whatever .dockerignore says; it drops them itself if they are excluded.
  const keep = new Set([posix.normalize(dockerfileName), '.dockerignore']);
  const entries = await walk(root, patterns, keep);
  const pack = tar.pack();
  void packEntries(pack, entries, extra).then(
    () => pack.finalize(),
    (err: unknown) => pack.destroy(err as Error),
  );
  return { stream: Readable.from(pack as AsyncIterable<Buffer>, { objectMode: false }), dockerfile: dockerfileName };
}

/** A tar holding only a Dockerfile (`docker build - < Dockerfile`). */
export function dockerfileOnlyContext(text: string): BuildContextTar {
  const pack = tar.pack();
  pack.entry({ name: 'Dockerfile', mode: 0o644, uid: 0, gid: 0, mtime: new Date(), size: Buffer.byteLength(text) }, text);
  pack.finalize();
  return { stream: Readable.from(pack as AsyncIterable<Buffer>, { objectMode: false }), dockerfile: 'Dockerfile' };
}

/** POST /build with `context` (a tar, plain or gzip) as the body; yields the progress messages. */
export async function* buildImage(transport: Transport, context: Readable | Buffer, options: ImageBuildOptions = {}): AsyncGenerator<JsonMessage, void, undefined> {
  const response = await transport.send({
    method: 'POST',
    path: '/build',
    query: {
      dockerfile: options.dockerfile,
      t: options.tags && options.tags.length > 0 ? [...options.tags] : undefined,
      buildargs: options.buildArgs && Object.keys(options.buildArgs).length > 0 ? JSON.stringify(options.buildArgs) : undefined,
      labels: options.labels && Object.keys(options.labels).length > 0 ? JSON.stringify(options.labels) : undefined,
      target: options.target || undefined,
      nocache: options.noCache || undefined,
      q: options.quiet || undefined,
      rm: options.remove === false ? '0' : '1',
      forcerm: options.forceRemove || undefined,
      pull: options.pull || undefined,
      networkmode: options.networkMode || undefined,
      platform: options.platform || undefined,
      version: '1',
    },
    body: context,
    contentType: 'application/x-tar',
    headers: { 'X-Registry-Config': 'e30=' },
    signal: options.signal,
  });
  try {
    yield* readJsonStream<JsonMessage>(response, options.signal);
  } finally {
    response.destroy();
  }
}

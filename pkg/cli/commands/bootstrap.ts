// `berth image bootstrap debian:SUITE`: a Debian base image made on this machine with debootstrap
// (variant minbase) from the apt mirror the host already uses, cleaned of caches and host files,
// tarred and imported through the engine API (POST /images/create?fromSrc=-). Needs root locally.
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { throwIfJsonMessageError } from '../../client/index.js';
import { StatusError } from '../errors.js';
import type { CommandRunner } from '../spec.js';
import { write } from './shared.js';

export interface AptSource {
  uri: string;
  suites: string[];
}

/** Debian archive sources from sources.list lines and deb822 .sources stanzas (pure). */
export function parseAptSources(files: readonly { name: string; text: string }[]): AptSource[] {
  const sources: AptSource[] = [];
  for (const { name, text } of files) {
    if (name.endsWith('.sources')) {
      for (const stanza of text.split(/\n\s*\n/)) {
        const fields = new Map<string, string>();
        let last = '';
        for (const line of stanza.split('\n')) {
          if (line.startsWith('#') || line.trim() === '') continue;
          if (/^\s/.test(line) && last !== '') {
            fields.set(last, `${fields.get(last) ?? ''} ${line.trim()}`);
            continue;
          }
          const colon = line.indexOf(':');
          if (colon < 0) continue;
          last = line.slice(0, colon).trim().toLowerCase();
          fields.set(last, line.slice(colon + 1).trim());
        }
        if (!(fields.get('types') ?? '').split(/\s+/).includes('deb') || fields.get('enabled') === 'no') continue;
        const suites = (fields.get('suites') ?? '').split(/\s+/).filter(Boolean);
        for (const uri of (fields.get('uris') ?? '').split(/\s+/).filter(Boolean)) sources.push({ uri, suites });
      }
      continue;
    }
    for (const raw of text.split('\n')) {
      const line = raw.replace(/#.*/, '').trim();
      const match = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)/.exec(line);
      if (match !== null) sources.push({ uri: match[1]!, suites: [match[2]!] });
    }
  }
  return sources;
}

/** The mirror to bootstrap `suite` from: a Debian archive URI (not the security archive), preferring one listing the suite. */
export function pickMirror(sources: readonly AptSource[], suite: string): string | undefined {
  const debian = sources.filter((source) => /\/debian\/?$/.test(source.uri) && !/security/.test(source.uri));
  const chosen = debian.find((source) => source.suites.includes(suite)) ?? debian[0];
  return chosen?.uri.replace(/\/+$/, '');
}

async function hostAptSources(): Promise<AptSource[]> {
  const files: { name: string; text: string }[] = [];
  const read = async (path: string): Promise<void> => {
    try {
      files.push({ name: path, text: await readFile(path, 'utf8') });
    } catch {
      // absent
    }
  };
  await read('/etc/apt/sources.list');
  const dir = '/etc/apt/sources.list.d';
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names.sort()) if (name.endsWith('.list') || name.endsWith('.sources')) await read(join(dir, name));
  return parseAptSources(files);
}

/** Runs a program to completion with its output on our stderr; rejects with its exit status. */
function runProgram(program: string, args: readonly string[], stderr: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8' } });
    child.stdout.pipe(stderr, { end: false });
    child.stderr.pipe(stderr, { end: false });
    child.on('error', (err) => reject(new StatusError(1, `${program}: ${err.message}`)));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new StatusError(1, `${program} ${args.join(' ')} exited with status ${code}`))));
  });
}

/** Leaves only what an image should carry: no package caches, apt lists, logs or host identity. */
async function cleanRootfs(root: string): Promise<void> {
  const emptyDir = async (dir: string): Promise<void> => {
    for (const name of await readdir(join(root, dir)).catch(() => [] as string[])) {
      if (name === 'partial' || name === 'lock') continue;
      await rm(join(root, dir, name), { recursive: true, force: true });
    }
  };
  await emptyDir('var/cache/apt/archives');
  await emptyDir('var/lib/apt/lists');
  await emptyDir('var/log');
  await emptyDir('tmp');
  for (const file of ['var/cache/apt/pkgcache.bin', 'var/cache/apt/srcpkgcache.bin', 'etc/hostname', 'var/cache/ldconfig/aux-cache']) {
    await rm(join(root, file), { force: true });
  }
  // Containers get their own; an image must not carry the build host's resolvers.
  await writeFile(join(root, 'etc/resolv.conf'), '');
  // Container-friendly apt, as Docker's official Debian images configure it: no package caches or
  // translations left in layers, no services started by package scripts.
  const aptConf = join(root, 'etc/apt/apt.conf.d');
  const purge = 'rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true';
  await writeFile(
    join(aptConf, 'docker-clean'),
    `// berth image bootstrap: keep apt's caches out of image layers.\nDPkg::Post-Invoke { "${purge}"; };\nAPT::Update::Post-Invoke { "${purge}"; };\nDir::Cache::pkgcache "";\nDir::Cache::srcpkgcache "";\n`,
  );
  await writeFile(join(aptConf, 'docker-no-languages'), 'Acquire::Languages "none";\n');
  await writeFile(join(aptConf, 'docker-autoremove-suggests'), 'Apt::AutoRemove::SuggestsImportant "false";\n');
  await writeFile(join(root, 'usr/sbin/policy-rc.d'), '#!/bin/sh\n# berth image bootstrap: services never start inside image builds.\nexit 101\n');
  await chmod(join(root, 'usr/sbin/policy-rc.d'), 0o755);
}

export const bootstrap: CommandRunner = async (context, args, flags) => {
  const reference = args[0]!;
  const match = /^(?:(?:docker\.io\/)?library\/)?debian:([a-z][a-z0-9-]*)$/.exec(reference);
  if (match === null) throw new StatusError(1, `cannot bootstrap ${reference}: only debian:SUITE (e.g. debian:bookworm) is supported`);
  const suite = match[1]!;
  if (process.getuid?.() !== 0) throw new StatusError(1, 'berth image bootstrap runs debootstrap, which needs root');
  const mirror = flags.string('mirror') ?? pickMirror(await hostAptSources(), suite);
  if (mirror === undefined) throw new StatusError(1, 'no Debian mirror found in /etc/apt/sources.list or /etc/apt/sources.list.d: pass --mirror URL');
  const variant = flags.string('variant') ?? 'minbase';
  const include = flags.list('include');
  const started = Date.now();
  const work = await mkdtemp('/var/tmp/berth-bootstrap-');
  const root = join(work, 'rootfs');
  try {
    await write(context.stderr, `debootstrap --variant=${variant} ${suite} from ${mirror}\n`);
    await runProgram('debootstrap', [`--variant=${variant}`, ...(include.length > 0 ? [`--include=${include.join(',')}`] : []), suite, root, mirror], context.stderr);
    await cleanRootfs(root);
    const tar = spawn('tar', ['-C', root, '--numeric-owner', '--xattrs', '--xattrs-include=security.capability', '-cf', '-', '.'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let tarError = '';
    tar.stderr.on('data', (chunk: Buffer) => (tarError += chunk.toString()));
    const tarExit = new Promise<number>((resolve) => tar.on('close', (code) => resolve(code ?? 1)));
    let imageId = '';
    for await (const message of context.client().images.import(tar.stdout, {
      repo: 'debian',
      tag: suite,
      changes: ['CMD ["bash"]'],
      message: `debootstrap --variant=${variant} ${suite} ${mirror}`,
    })) {
      throwIfJsonMessageError(message);
      if (message.status) imageId = message.status;
    }
    if ((await tarExit) !== 0) throw new StatusError(1, `tar of the bootstrapped rootfs failed: ${tarError.trim()}`);
    const seconds = ((Date.now() - started) / 1000).toFixed(0);
    await write(context.stdout, `debian:${suite} ${imageId} (debootstrap --variant=${variant} from ${mirror}, ${seconds} s)\n`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
};

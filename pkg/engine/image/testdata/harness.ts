// Test harness: a LayerStore + ImageStore pair in a temp dir, the busybox rootfs fixture, and tar
// helpers (test-only; effectful).
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Readable } from 'node:stream';
import { pino } from 'pino';
import { LayerStore } from '../../snapshot/index.js';
import { ImageStore } from '../index.js';

export const logger = pino({ level: 'silent' });

export interface Harness {
  dir: string;
  layers: LayerStore;
  images: ImageStore;
  events: { action: string; id: string; name: string }[];
  reopen(): Promise<Harness>;
  close(): Promise<void>;
}

export async function makeHarness(dir?: string): Promise<Harness> {
  const root = dir ?? (await mkdtemp(join(tmpdir(), 'berth-images-')));
  const events: Harness['events'] = [];
  let tick = Date.parse('2026-11-22T17:26:43.968Z');
  const layers = new LayerStore({ root: join(root, 'overlay2'), logger });
  const images = new ImageStore({
    root: join(root, 'image'),
    layerStore: layers,
    logger,
    onEvent: (action, id, attributes) => events.push({ action, id, name: attributes.name }),
    now: () => new Date((tick += 1000)),
  });
  await layers.open();
  await images.open();
  return {
    dir: root,
    layers,
    images,
    events,
    reopen: () => makeHarness(root),
    close: () => rm(root, { recursive: true, force: true }),
  };
}

const FIXTURE = fileURLToPath(new URL('../../../../test/fixtures/make-busybox-rootfs.sh', import.meta.url));

/** Builds (once per process) the busybox rootfs tar with the project's fixture script. */
let busybox: Promise<Buffer> | undefined;
export function busyboxRootfs(): Promise<Buffer> {
  busybox ??= (async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'berth-bb-')), 'rootfs.tar');
    const path = execFileSync('bash', [FIXTURE, out], { encoding: 'utf8' }).trim();
    const data = await readFile(path);
    await rm(join(path, '..'), { recursive: true, force: true });
    return data;
  })();
  return busybox;
}

export function streamOf(data: Buffer): Readable {
  return Readable.from([data]);
}

export async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

// COPY and ADD steps (effectful): sources from the build context, an earlier stage or an image,
// the source digest that keys the cache (context files by content and metadata, stage sources by
// image id and path, heredocs by text), and the copy into a temporary rootfs on the step's parent
// whose upper directory becomes the layer.
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { BerthError, InvalidArgumentError, isNotFound } from '../../errdefs/index.js';
import type { ImageRecord } from '../image/index.js';
import { cacheKey } from './cache.js';
import { copyToRootfs, parseChmod, resolveChown, resolveSources, type CopySource } from './copy.js';
import { commitStepImage, environmentFor, probeCache, shellOf, temporaryRootfsId, type StageState } from './dispatch.js';
import { copyRunConfig } from './image-config.js';
import type { CopyInstruction } from './instructions.js';
import { commitLayer } from './layer-commit.js';
import { normalizeDest } from './legacy-format.js';
import type { BuildSession } from './session.js';
import { expandHeredoc, processWord } from './shell-lex.js';

const REMOTE_SOURCE = /^(https?:\/\/|git@|git:\/\/|ssh:\/\/)/;

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** COPY --from: an earlier stage by name or index, else a local image. */
function sourceImage(session: BuildSession, from: string): ImageRecord | undefined {
  const stage = session.stageImages.get(from.toLowerCase());
  if (stage !== undefined) return stage === '' ? undefined : session.deps.images.resolve(stage);
  try {
    return session.deps.images.resolve(from);
  } catch (err) {
    if (isNotFound(err)) throw new InvalidArgumentError(`invalid from flag value ${from}: ${(err as Error).message}`);
    throw err;
  }
}

/** "COPY failed: …" as the legacy builder words copy errors. */
function copyFailed(kind: string, err: unknown): unknown {
  if (err instanceof InvalidArgumentError) return new InvalidArgumentError(`${kind} failed: ${err.message}`, { cause: err });
  return err;
}

export async function dispatchCopy(session: BuildSession, state: StageState, instruction: CopyInstruction): Promise<void> {
  const kind = instruction.kind;
  const environment = environmentFor(state);
  const word = (text: string): string => processWord(text, environment, { escape: session.escape });
  const sources = instruction.sources.map(word);
  const dest = word(instruction.dest);
  const chown = instruction.chown === undefined ? undefined : word(instruction.chown);
  const chmod = instruction.chmod === undefined ? undefined : word(instruction.chmod);
  const from = instruction.from === undefined ? undefined : word(instruction.from);
  const mode = chmod === undefined ? undefined : parseChmod(chmod);
  const remote = sources.find((source) => REMOTE_SOURCE.test(source));
  if (remote !== undefined) {
    throw new InvalidArgumentError(
      `${kind} failed: ${remote} is a remote source and berthd fetches nothing from the network: download it into the build context and ${kind} it from there`,
    );
  }
  const inline = instruction.inline.map((file) => ({
    name: file.name,
    content: file.expand ? expandHeredoc(file.content, environment, session.escape) : file.content,
  }));

  const fromImage = from === undefined ? undefined : sourceImage(session, from);
  if (from !== undefined && fromImage === undefined && sources.length > 0) {
    throw new InvalidArgumentError(`${kind} failed: stage ${from} is empty (FROM scratch with nothing added)`);
  }
  let contextSources: CopySource[] | undefined;
  const digests: string[] = [];
  try {
    if (fromImage === undefined && sources.length > 0) {
      const context = session.context;
      contextSources = await resolveSources(context.root, sources, 'build context or excluded by .dockerignore');
      for (const source of contextSources) digests.push(context.sourceDigest(posix.relative(context.root, source.hostPath)));
    } else if (fromImage !== undefined) {
      // An image id names its content exactly: no need to read the files to know they are the same.
      for (const source of sources) digests.push(`file:${sha256(`${fromImage.id}\0${source}`)}`);
    }
  } catch (err) {
    throw copyFailed(kind, err);
  }
  for (const file of inline) digests.push(`file:${sha256(`${file.name}\0${file.content}`)}`);
  const sourceHash = digests.length === 1 ? digests[0] : `multi:${sha256(digests.join(','))}`;
  const flags = [from !== undefined ? `--from=${from}` : '', chown !== undefined ? `--chown=${chown}` : '', chmod !== undefined ? `--chmod=${chmod}` : ''].filter(Boolean);
  const comment = `${kind} ${flags.map((flag) => `${flag} `).join('')}${sourceHash} in ${dest} `;
  const probe = copyRunConfig(state.config, { Cmd: [...shellOf(state.config), `#(nop) ${comment}`] });
  const key = cacheKey(state.image?.id ?? '', probe);
  if (await probeCache(session, state, key)) return;

  const { layers, images } = session.deps;
  const chainId = state.image?.chainId ?? null;
  const destId = temporaryRootfsId();
  const sourceId = fromImage === undefined ? undefined : temporaryRootfsId();
  try {
    await layers.prepareRootfs(destId, chainId);
    const root = await layers.mountRootfs(destId);
    try {
      let copySources = contextSources ?? [];
      if (sourceId !== undefined && fromImage !== undefined) {
        await layers.prepareRootfs(sourceId, fromImage.chainId);
        const sourceRoot = await layers.mountRootfs(sourceId);
        const where = `${session.stageImages.has((from ?? '').toLowerCase()) ? 'stage' : 'image'} ${from ?? ''}`;
        copySources = await resolveSources(sourceRoot, sources, where, { image: true });
      }
      const owner = chown === undefined ? undefined : await resolveChown(root, chown);
      const target = normalizeDest(state.config.WorkingDir ?? '', dest);
      await copyToRootfs(root, target, copySources, inline, { owner, mode, extractArchives: kind === 'ADD', instruction: kind });
    } catch (err) {
      throw copyFailed(kind, err);
    } finally {
      await layers.unmountRootfs(destId);
      if (sourceId !== undefined) await layers.unmountRootfs(sourceId).catch(() => undefined);
    }
    const layer = await commitLayer(layers, images, destId, chainId);
    await commitStepImage(session, state, key, probe, layer?.diffId, '');
  } catch (err) {
    throw err instanceof BerthError ? err : copyFailed(kind, err);
  } finally {
    await layers.removeRootfs(destId).catch(() => undefined);
    if (sourceId !== undefined) await layers.removeRootfs(sourceId).catch(() => undefined);
  }
}

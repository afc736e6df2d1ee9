// `docker import` (POST /images/create?fromSrc=-): one rootfs tar becomes a one-layer image with a
// config like dockerd writes, tagged if asked. Effectful via the core.
import type { Readable } from 'node:stream';
import { InvalidArgumentError } from '../../errdefs/index.js';
import { applyChanges } from './changes.js';
import { type ContainerDefaults, type ImageConfig, type Platform, formatTime, hostPlatform, parsePlatform } from './image-config.js';
import { familiarString, parseRepoTag, type ImageReference } from './reference.js';
import type { ImageCore } from './store-core.js';

export interface ImportOptions {
  /** "repo[:tag]" to tag the new image with (the API's `repo`). */
  reference?: string;
  /** The API's `tag`, overriding a tag inside `reference`. */
  tag?: string;
  /** Dockerfile-like lines, as `docker import --change` sends them. */
  changes?: string[];
  /** History comment; dockerd uses "Imported from <src>" when none is given. */
  message?: string;
  /** Where the tar came from, for the default message ("-" for the request body). */
  source?: string;
  platform?: string | Platform;
}

export async function importRootfs(core: ImageCore, stream: Readable, options: ImportOptions = {}): Promise<string> {
  // Everything the user can get wrong is checked before a byte is stored.
  let reference: ImageReference | undefined;
  let defaults: ContainerDefaults;
  let platform: Platform;
  try {
    reference = options.reference ? parseRepoTag(options.reference, options.tag) : undefined;
    defaults = applyChanges({}, options.changes ?? []);
    if (typeof options.platform === 'object') platform = options.platform;
    else if (options.platform) platform = parsePlatform(options.platform);
    else platform = hostPlatform();
  } catch (err) {
    throw err instanceof InvalidArgumentError ? err : new InvalidArgumentError(String(err), { cause: err });
  }
  const layer = await core.ingestLayer(null, stream);
  const created = formatTime(core.now());
  const message = options.message !== undefined && options.message !== '' ? options.message : `Imported from ${options.source ?? '-'}`;
  const config: ImageConfig = {
    architecture: platform.architecture,
    ...(platform.variant !== undefined ? { variant: platform.variant } : {}),
    comment: message,
    config: defaults,
    created,
    history: [{ created, comment: message }],
    os: platform.os,
    rootfs: { type: 'layers', diff_ids: [layer.diffId] },
  };
  return core.exclusive(async () => {
    const image = await core.registerImage(Buffer.from(JSON.stringify(config)));
    if (reference !== undefined) {
      await core.setReference(reference, image);
      core.emit('tag', image.id, familiarString(reference));
    }
    core.emit('import', image.id, image.id);
    return image.id;
  });
}

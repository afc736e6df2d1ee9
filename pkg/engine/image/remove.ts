// `docker rmi`: untagging and deleting with dockerd's conflict rules (hard: child images, running
// containers; soft: other references, stopped containers) and its exact messages. Effectful via the core.
import { ConflictError } from '../../errdefs/index.js';
import { familiarString, fullName, parseReference, shortId, type ImageReference } from './reference.js';
import type { ImageCore } from './store-core.js';

/** A container id (taken as stopped) or an id with its state. */
export type ContainerUse = string | { id: string; running: boolean };

export interface RemoveOptions {
  force?: boolean;
  /** Keep untagged parent images (docker rmi --no-prune). */
  noprune?: boolean;
  /** Containers created from the image. */
  containersUsing?: (imageId: string) => ContainerUse[];
}

export type DeleteResponseItem = { Untagged: string } | { Deleted: string };

const CHILD = 1;
const RUNNING = 2;
const REFERENCE = 4;
const STOPPED = 8;
const HARD = CHILD | RUNNING;
const SOFT = REFERENCE | STOPPED;

class DeleteConflict {
  constructor(
    readonly id: string,
    readonly hard: boolean,
    readonly used: boolean,
    readonly message: string,
  ) {}
  toError(): ConflictError {
    const force = this.hard ? 'cannot be forced' : 'must be forced';
    return new ConflictError(`conflict: unable to delete ${shortId(this.id)} (${force}) - ${this.message}`);
  }
}

function isIdPrefix(id: string, given: string): boolean {
  return id.startsWith(given) || id.slice(id.indexOf(':') + 1).startsWith(given);
}

/** All references are in one repository and at most one of them is a tag (dockerd's isSingleReference). */
function isSingleReference(refs: ImageReference[]): boolean {
  if (refs.length <= 1) return refs.length === 1;
  let single: ImageReference | undefined;
  const canonicalNames = new Set<string>();
  for (const ref of refs) {
    if (ref.digest !== undefined) canonicalNames.add(fullName(ref));
    else if (single === undefined) single = ref;
    else return false;
  }
  single ??= refs[0];
  return canonicalNames.size === 1 && canonicalNames.has(fullName(single));
}

export async function removeImage(core: ImageCore, refOrId: string, options: RemoveOptions = {}): Promise<DeleteResponseItem[]> {
  const image = core.resolve(refOrId);
  const id = image.id;
  const force = options.force ?? false;
  const containers = (imageId: string): { id: string; running: boolean }[] =>
    (options.containersUsing?.(imageId) ?? []).map((use) => (typeof use === 'string' ? { id: use, running: false } : use));
  const records: DeleteResponseItem[] = [];
  let repoRefs = core.refs.referencesTo(id);
  let removedRepositoryRef = false;

  const untag = async (ref: ImageReference): Promise<void> => {
    await core.deleteReference(ref);
    core.emit('untag', id, id);
    records.push({ Untagged: familiarString(ref) });
  };

  if (!isIdPrefix(id, refOrId)) {
    if (!force && isSingleReference(repoRefs)) {
      const user = containers(id)[0];
      if (user !== undefined) {
        throw new ConflictError(
          `conflict: unable to remove repository reference ${JSON.stringify(refOrId)} (must force) - container ${shortId(user.id)} is using its referenced image ${shortId(id)}`,
        );
      }
    }
    const parsed = parseReference(refOrId);
    await untag(parsed);
    repoRefs = core.refs.referencesTo(id);
    if (parsed.digest === undefined) {
      // With the last tag of a repository gone, its digest references go too.
      const tagLeft = repoRefs.some((ref) => ref.digest === undefined && fullName(ref) === fullName(parsed));
      if (!tagLeft) {
        const remaining: ImageReference[] = [];
        for (const ref of repoRefs) {
          if (ref.digest !== undefined && fullName(ref) === fullName(parsed)) await untag(ref);
          else remaining.push(ref);
        }
        repoRefs = remaining;
      }
    }
    if (repoRefs.length > 0) return records;
    removedRepositoryRef = true;
  } else if (isSingleReference(repoRefs)) {
    const conflict = checkConflict(core, id, force ? HARD : HARD | STOPPED, containers);
    if (conflict !== undefined) throw conflict.toError();
    for (const ref of repoRefs) await untag(ref);
  }

  await deleteHelper(core, id, records, { force, prune: !(options.noprune ?? false), quiet: removedRepositoryRef, containers });
  return records;
}

interface HelperOptions {
  force: boolean;
  prune: boolean;
  quiet: boolean;
  containers: (imageId: string) => { id: string; running: boolean }[];
}

async function deleteHelper(core: ImageCore, id: string, records: DeleteResponseItem[], options: HelperOptions): Promise<void> {
  const conflict = checkConflict(core, id, options.force ? HARD : HARD | SOFT, options.containers);
  if (conflict !== undefined) {
    const dangling = core.refs.referencesTo(id).length === 0 && core.children(id).length === 0;
    // Pruning parents and deleting after an untag stay silent unless the image would be left dangling.
    if (options.quiet && (!dangling || conflict.used)) return;
    throw conflict.toError();
  }
  const parent = core.images.get(id)?.parent ?? '';
  for (const ref of core.refs.referencesTo(id)) {
    await core.deleteReference(ref);
    core.emit('untag', id, id);
    records.push({ Untagged: familiarString(ref) });
  }
  core.emit('delete', id, id);
  const removedLayers = await core.deleteImage(id);
  records.push({ Deleted: id });
  for (const chainId of removedLayers) records.push({ Deleted: chainId });
  if (!options.prune || parent === '' || !core.images.has(parent)) return;
  await deleteHelper(core, parent, records, { ...options, force: false, quiet: true });
}

function checkConflict(
  core: ImageCore,
  id: string,
  mask: number,
  containers: (imageId: string) => { id: string; running: boolean }[],
): DeleteConflict | undefined {
  if (mask & CHILD && core.children(id).length > 0) return new DeleteConflict(id, true, false, 'image has dependent child images');
  const users = containers(id);
  const running = users.find((user) => user.running);
  if (mask & RUNNING && running !== undefined) {
    return new DeleteConflict(id, true, true, `image is being used by running container ${shortId(running.id)}`);
  }
  if (mask & REFERENCE && core.refs.referencesTo(id).length > 0) {
    return new DeleteConflict(id, false, false, 'image is referenced in multiple repositories');
  }
  const stopped = users.find((user) => !user.running);
  if (mask & STOPPED && stopped !== undefined) {
    return new DeleteConflict(id, false, true, `image is being used by stopped container ${shortId(stopped.id)}`);
  }
  return undefined;
}

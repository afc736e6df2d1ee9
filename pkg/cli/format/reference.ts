// Minimal docker image reference handling for display (pure): split name/tag/digest and shorten
// docker.io names to their familiar form, as distribution/reference's FamiliarName does.

export interface ImageReference {
  /** Familiar repository name (`busybox`, `me/app`, `registry:5000/x`). */
  name: string;
  tag: string | undefined;
  digest: string | undefined;
}

/** Drops docker.io (and library/ for official images), as FamiliarName does. */
export function familiarName(name: string): string {
  for (const domain of ['docker.io/', 'index.docker.io/']) {
    if (!name.startsWith(domain)) continue;
    const path = name.slice(domain.length);
    return path.startsWith('library/') && !path.slice('library/'.length).includes('/') ? path.slice('library/'.length) : path;
  }
  return name;
}

const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const NAME_PATTERN = new RegExp(`^(?:[a-zA-Z0-9.-]+(?::[0-9]+)?/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);

/** Parses `name[:tag][@digest]`; undefined for text that is not a reference (e.g. `<none>:<none>`). */
export function parseReference(text: string): ImageReference | undefined {
  if (text === '' || text.includes('<none>')) return undefined;
  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!/^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-fA-F0-9]{32,}$/.test(digest)) return undefined;
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!/^[\w][\w.-]{0,127}$/.test(tag)) return undefined;
  }
  if (!NAME_PATTERN.test(rest)) return undefined;
  return { name: familiarName(rest), tag, digest };
}

/** The tag docker's CLI adds when none is given. */
export const DEFAULT_TAG = 'latest';

/** Splits `repo[:tag]` for tag/import/commit: a missing tag is `latest`, a digest is refused by the caller. */
export function splitRepoTag(text: string): { repo: string; tag: string } {
  const colon = text.lastIndexOf(':');
  if (colon > text.lastIndexOf('/')) return { repo: text.slice(0, colon), tag: text.slice(colon + 1) };
  return { repo: text, tag: DEFAULT_TAG };
}

/** reference.ParseNormalizedNamed(...).Name(): the full name with docker.io/library/ filled in. */
export function normalizedName(name: string): string {
  const slash = name.indexOf('/');
  const first = slash === -1 ? '' : name.slice(0, slash);
  const hasDomain = slash !== -1 && (first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase());
  if (hasDomain) return name;
  return slash === -1 ? `docker.io/library/${name}` : `docker.io/${name}`;
}

export class ReferenceError extends Error {}

/**
 * Splits a tag target like docker's ImageTag: `repo[:tag]` → full repository name and tag
 * (default `latest`); digests are refused.
 */
export function tagTarget(target: string): { repo: string; tag: string } {
  const reference = parseReference(target);
  if (!reference) throw new ReferenceError(`Error parsing reference: ${JSON.stringify(target)} is not a valid repository/tag: invalid reference format`);
  if (reference.digest !== undefined) throw new ReferenceError('refusing to create a tag with a digest reference');
  const separator = target.lastIndexOf(':') > target.lastIndexOf('/') ? target.lastIndexOf(':') : target.length;
  return { repo: normalizedName(target.slice(0, separator)), tag: reference.tag ?? DEFAULT_TAG };
}

// API version negotiation like docker's client: min(ours, the daemon's), 1.24 if it says nothing (pure).

/** The API version this client speaks natively (docker CLI 28.2). */
export const CLIENT_API_VERSION = '1.50';
/** What docker's client assumes when `/_ping` carries no Api-Version header. */
export const FALLBACK_API_VERSION = '1.24';

/** Splits `1.41` into comparable numbers; non-numeric parts count as 0. */
function versionParts(version: string): number[] {
  return version.split('.').map((part) => Number.parseInt(part, 10) || 0);
}

/** Compares dotted API versions numerically: negative if a < b, 0 if equal, positive if a > b. */
export function compareApiVersions(a: string, b: string): number {
  const left = versionParts(a);
  const right = versionParts(b);
  for (let index = 0; index < Math.max(left.length, right.length); index++) {
    const difference = (left[index] ?? 0) - (right[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

/** True if `version` looks like an API version (`1.41`), as DOCKER_API_VERSION must. */
export function isApiVersion(version: string): boolean {
  return /^\d+\.\d+$/.test(version);
}

/** The version to use with a daemon that advertised `serverVersion` (undefined: header absent). */
export function negotiateApiVersion(serverVersion: string | undefined, clientVersion: string = CLIENT_API_VERSION): string {
  if (serverVersion === undefined || serverVersion === '' || !isApiVersion(serverVersion)) return FALLBACK_API_VERSION;
  return compareApiVersions(serverVersion, clientVersion) < 0 ? serverVersion : clientVersion;
}

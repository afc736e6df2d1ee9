// -v/--volume and --tmpfs to the create request (pure apart from the injected cwd): docker's
// compose-loader ParseVolume decides what is a bind, a named volume or an anonymous volume.
import { posix } from 'node:path';
import { sortedMap } from './values.js';

export class VolumeSpecError extends Error {}

export interface ParsedVolume {
  type: 'bind' | 'volume';
  source: string;
  target: string;
  readOnly: boolean;
}

const END = '\0';

const isLetter = (char: string | undefined): boolean => char !== undefined && /^\p{L}$/u.test(char);
const isWindowsDrive = (buffer: readonly string[], char: string): boolean => char === ':' && buffer.length === 1 && isLetter(buffer[0]);

function isFilePath(source: string): boolean {
  if ('./~'.includes(source[0]!)) return true;
  const chars = [...source];
  if (chars.length === 1) return false;
  if (source.startsWith('\\\\')) return true; // Windows named pipes
  return isWindowsDrive([chars[0]!], source[chars[0]!.length]!);
}

/** loader.ParseVolume: `[source:]target[:options]`, with docker's errors. */
export function parseVolumeSpec(spec: string): ParsedVolume {
  const volume: ParsedVolume = { type: 'volume', source: '', target: '', readOnly: false };
  const length = Buffer.byteLength(spec);
  if (length === 0) throw new VolumeSpecError('invalid empty volume spec');
  if (length <= 2) return { ...volume, target: spec };
  let buffer: string[] = [];
  for (const char of [...spec, END]) {
    if (isWindowsDrive(buffer, char)) {
      buffer.push(char);
    } else if (char === ':' || char === END) {
      const text = buffer.join('');
      if (buffer.length === 0) throw new VolumeSpecError(`invalid spec: ${spec}: empty section between colons`);
      if (volume.source === '' && char === END) volume.target = text;
      else if (volume.source === '') volume.source = text;
      else if (volume.target === '') volume.target = text;
      else if (char === ':') throw new VolumeSpecError(`invalid spec: ${spec}: too many colons`);
      else {
        // nocopy, propagation modes and unknown options only matter to the daemon.
        for (const option of text.split(',')) {
          if (option === 'ro') volume.readOnly = true;
          else if (option === 'rw') volume.readOnly = false;
        }
      }
      buffer = [];
    } else {
      buffer.push(char);
    }
  }
  if (volume.source !== '' && isFilePath(volume.source)) volume.type = 'bind';
  return volume;
}

/**
 * docker's split of -v values: anything with a source goes to HostConfig.Binds (a relative bind
 * source like `./data` made absolute against `cwd`), anonymous volumes to Config.Volumes.
 */
export function splitVolumes(specs: readonly string[], cwd: string): { binds: string[]; volumes: Record<string, Record<string, never>> } {
  const unique = [...new Set(specs)];
  const binds: string[] = [];
  const volumes: Record<string, Record<string, never>> = {};
  for (const spec of unique) {
    const parsed = parseVolumeSpec(spec);
    if (parsed.source === '') {
      volumes[spec] = {};
      continue;
    }
    let bind = spec;
    if (parsed.type === 'bind') {
      const colon = spec.indexOf(':');
      if (colon !== -1) {
        let host = spec.slice(0, colon);
        if (!posix.isAbsolute(host) && host.startsWith('.')) host = posix.resolve(cwd, host);
        bind = `${host}${spec.slice(colon)}`;
      }
    }
    binds.push(bind);
  }
  return { binds, volumes: sortedMap(volumes) };
}

/** --tmpfs `/path[:options]` → HostConfig.Tmpfs. */
export function parseTmpfs(specs: readonly string[]): Record<string, string> {
  const tmpfs: Record<string, string> = {};
  for (const spec of specs) {
    const separator = spec.indexOf(':');
    if (separator === -1) tmpfs[spec] = '';
    else tmpfs[spec.slice(0, separator)] = spec.slice(separator + 1);
  }
  return sortedMap(tmpfs);
}

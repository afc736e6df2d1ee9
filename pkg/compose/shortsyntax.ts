// Parsers for compose's short syntaxes (pure): port specs (`[ip:][host[-range]:]container[-range][/proto]`),
// volume specs (`[source:]target[:options]`) and shell-word splitting of string commands. They mirror
// docker's nat.ParsePortSpec, compose-go's format.ParseVolume and go-shellwords.

import { isIP } from 'node:net';
import { parsePortSpecParts, publishedPort } from '../portspec/index.js';

export interface PortMapping {
  readonly mode: 'ingress';
  readonly host_ip?: string;
  readonly target: number;
  readonly published?: string;
  readonly protocol: string;
}

/** Expands one short-syntax port into its mappings; throws with docker's wording on bad input. */
export function parsePortSpec(raw: string): PortMapping[] {
  const parts = parsePortSpecParts(raw, (ip) => isIP(ip) !== 0);
  const out: Array<PortMapping & { key: string }> = [];
  for (let i = 0; i <= parts.end - parts.start; i++) {
    const published = publishedPort(parts, i);
    out.push({
      key: `${parts.start + i}/${parts.protocol}`,
      mode: 'ingress',
      ...(parts.ip !== '' ? { host_ip: parts.ip } : {}),
      target: parts.start + i,
      ...(published !== '' ? { published } : {}),
      protocol: parts.protocol,
    });
  }
  // compose-go sorts the expanded ports by their "port/proto" key as strings
  out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return out.map(({ key: _key, ...mapping }) => mapping);
}

export interface VolumeSpec {
  type: 'bind' | 'volume';
  source?: string;
  target?: string;
  read_only?: boolean;
  bind?: { propagation?: string; selinux?: string; create_host_path?: boolean };
  volume?: { nocopy?: boolean };
}

const PROPAGATIONS = new Set(['rprivate', 'private', 'rshared', 'shared', 'rslave', 'slave']);

/** Parses `source:target:options` like compose-go's format.ParseVolume. */
export function parseVolumeSpec(spec: string): VolumeSpec {
  if (spec.length === 0) throw new Error('invalid empty volume spec');
  if (spec.length <= 2) return { type: 'volume', target: spec };
  const volume: VolumeSpec = { type: 'volume' };
  let buffer = '';
  let depth = 0;
  const chars = [...spec, '\0'];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (c === '$' && chars[i + 1] === '{') {
      depth++;
      buffer += c;
      continue;
    }
    if (c === '}' && depth > 0) {
      depth--;
      buffer += c;
      continue;
    }
    const windowsDrive = c === ':' && buffer.length === 1 && /\p{L}/u.test(buffer);
    if (!windowsDrive && (c === ':' || c === '\0') && depth === 0) {
      populate(volume, c, buffer, spec);
      buffer = '';
    } else {
      buffer += c;
    }
  }
  populateType(volume);
  return volume;
}

function populate(volume: VolumeSpec, c: string, buffer: string, spec: string): void {
  if (buffer.length === 0) throw new Error(`invalid spec: ${spec}: empty section between colons`);
  if (volume.source === undefined && c === '\0') {
    volume.target = buffer;
    return;
  }
  if (volume.source === undefined) {
    volume.source = buffer;
    return;
  }
  if (volume.target === undefined) {
    volume.target = buffer;
    return;
  }
  if (c === ':') throw new Error(`invalid spec: ${spec}: too many colons`);
  for (const option of buffer.split(',')) {
    if (option === 'ro') volume.read_only = true;
    else if (option === 'rw') volume.read_only = false;
    else if (option === 'nocopy') volume.volume = { nocopy: true };
    else if (PROPAGATIONS.has(option)) volume.bind = { ...volume.bind, propagation: option };
    else if (option === 'z' || option === 'Z') volume.bind = { ...volume.bind, selinux: option };
    // unknown options are ignored, as compose does
  }
}

function isFilePath(source: string | undefined): boolean {
  if (source === undefined || source === '') return false;
  if (source[0] === '.' || source[0] === '/' || source[0] === '~') return true;
  if (source.startsWith('\\\\')) return true;
  return source.length > 1 && /\p{L}/u.test(source[0]) && source[1] === ':';
}

function populateType(volume: VolumeSpec): void {
  if (isFilePath(volume.source)) {
    volume.type = 'bind';
    // short syntax binds create the host path, for docker-compose v1 compatibility
    volume.bind = { ...volume.bind, create_host_path: true };
  } else {
    volume.type = 'volume';
    volume.volume = volume.volume ?? {};
  }
}

/** Splits a command string into words like go-shellwords (stops at an unquoted ; & | < >). */
export function parseShellWords(line: string): string[] {
  const args: string[] = [];
  let buf = '';
  let escaped = false;
  let single = false;
  let double = false;
  let dollar = false;
  let got = false;
  for (const r of line) {
    if (escaped) {
      escaped = false;
      buf += r === 't' ? '\t' : r === 'n' ? '\n' : r;
      got = true;
      continue;
    }
    if (r === '\\') {
      if (single) buf += r;
      else escaped = true;
      continue;
    }
    if (r === ' ' || r === '\t' || r === '\r' || r === '\n') {
      if (single || double || dollar) buf += r;
      else if (got) {
        args.push(buf);
        buf = '';
        got = false;
      }
      continue;
    }
    if (r === '"' && !single && !dollar) {
      double = !double;
      got = true;
      continue;
    }
    if (r === "'" && !double && !dollar) {
      single = !single;
      got = true;
      continue;
    }
    if (r === '(' && !single && !double) {
      if (!dollar && buf.endsWith('$')) {
        dollar = true;
        buf += r;
        got = true;
        continue;
      }
      throw new Error('invalid command line string');
    }
    if (r === ')' && !single && !double && dollar) {
      dollar = false;
      buf += r;
      continue;
    }
    if (';&|<>'.includes(r) && !single && !double && !dollar) break;
    buf += r;
    got = true;
  }
  if (got) args.push(buf);
  if (escaped || single || double || dollar) throw new Error('invalid command line string');
  return args;
}

// Address parsing as Go's net package does it (pure), because docker's flag validation is built on
// it: net.ParseIP and IP.String, net.ParseCIDR with IPNet.Contains, net.ParseMAC, SplitHostPort.

/** An address as Go holds it after ParseIP: 16 bytes, IPv4 in the v4-mapped form. */
export type IpBytes = readonly number[];

const V4_PREFIX = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];

function parseIpv4Fields(text: string): number[] | undefined {
  const fields = text.split('.');
  if (fields.length !== 4) return undefined;
  const bytes: number[] = [];
  for (const field of fields) {
    // netip rejects empty fields, more than 3 digits, leading zeros and values over 255.
    if (!/^\d{1,3}$/.test(field) || (field.length > 1 && field.startsWith('0'))) return undefined;
    const value = Number(field);
    if (value > 255) return undefined;
    bytes.push(value);
  }
  return bytes;
}

function parseIpv6(text: string): number[] | undefined {
  if (text.includes('%')) return undefined; // zones: netip accepts them, net.ParseIP does not
  const ellipsis = text.indexOf('::');
  if (ellipsis !== -1 && text.indexOf('::', ellipsis + 1) !== -1) return undefined;
  const groups = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    const pieces = part.split(':');
    for (let index = 0; index < pieces.length; index++) {
      const piece = pieces[index]!;
      if (index === pieces.length - 1 && piece.includes('.')) {
        const v4 = parseIpv4Fields(piece);
        if (!v4) return undefined;
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
        continue;
      }
      if (!/^[0-9a-fA-F]{1,4}$/.test(piece)) return undefined;
      out.push(parseInt(piece, 16));
    }
    return out;
  };
  let words: number[];
  if (ellipsis === -1) {
    const all = groups(text);
    if (!all || all.length !== 8) return undefined;
    words = all;
  } else {
    const head = groups(text.slice(0, ellipsis));
    const tail = groups(text.slice(ellipsis + 2));
    // An embedded IPv4 address may only end the address, never precede the ellipsis.
    if (!head || !tail || text.slice(0, ellipsis).includes('.') || head.length + tail.length > 7) return undefined;
    words = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  }
  return words.flatMap((word) => [word >> 8, word & 0xff]);
}

/** net.ParseIP: dotted IPv4 or IPv6 (no zone); undefined when it does not parse. */
export function parseIp(text: string): IpBytes | undefined {
  if (text.includes(':')) return parseIpv6(text);
  const v4 = parseIpv4Fields(text);
  return v4 ? [...V4_PREFIX, ...v4] : undefined;
}

/** The IPv4 bytes of a v4-mapped address (Go's To4), else undefined. */
export function toIpv4(ip: IpBytes): number[] | undefined {
  return V4_PREFIX.every((byte, index) => ip[index] === byte) ? ip.slice(12) : undefined;
}

/** Go's IP.String: dotted IPv4 for v4-mapped addresses, RFC 5952 IPv6 otherwise. */
export function formatIp(ip: IpBytes): string {
  const v4 = toIpv4(ip);
  if (v4) return v4.join('.');
  const words: number[] = [];
  for (let index = 0; index < 16; index += 2) words.push((ip[index]! << 8) | ip[index + 1]!);
  // The first longest run of at least two zero words becomes "::".
  let bestStart = -1;
  let bestLength = 0;
  for (let index = 0; index < 8; ) {
    if (words[index] !== 0) {
      index++;
      continue;
    }
    let end = index;
    while (end < 8 && words[end] === 0) end++;
    if (end - index > bestLength && end - index >= 2) {
      bestStart = index;
      bestLength = end - index;
    }
    index = end;
  }
  const hex = (from: number, to: number): string =>
    words
      .slice(from, to)
      .map((word) => word.toString(16))
      .join(':');
  if (bestStart === -1) return hex(0, 8);
  return `${hex(0, bestStart)}::${hex(bestStart + bestLength, 8)}`;
}

export interface IpNetwork {
  /** Network address bytes: 4 for IPv4 networks, 16 for IPv6. */
  network: number[];
  prefixLength: number;
}

/** net.ParseCIDR; throws Go's `invalid CIDR address: <text>`. */
export function parseCidr(text: string): IpNetwork {
  const fail = (): never => {
    throw new Error(`invalid CIDR address: ${text}`);
  };
  const slash = text.indexOf('/');
  if (slash === -1) return fail();
  const address = text.slice(0, slash);
  const mask = text.slice(slash + 1);
  const ip = parseIp(address);
  if (!ip || !/^\d+$/.test(mask)) return fail();
  // Only a dotted address is an IPv4 network; "::ffff:10.0.0.0/104" is IPv6.
  const bytes = address.includes(':') ? [...ip] : ip.slice(12);
  const prefixLength = Number(mask);
  if (prefixLength > bytes.length * 8) return fail();
  return { network: applyMask(bytes, prefixLength), prefixLength };
}

function applyMask(bytes: readonly number[], prefixLength: number): number[] {
  return bytes.map((byte, index) => {
    const bits = Math.max(0, Math.min(8, prefixLength - index * 8));
    return byte & ((0xff << (8 - bits)) & 0xff);
  });
}

/** IPNet.Contains: IPv4 (and v4-mapped) addresses match IPv4 networks only. */
export function networkContains(network: IpNetwork, ip: IpBytes | undefined): boolean {
  if (!ip) return false;
  const candidate = toIpv4(ip) ?? [...ip];
  if (candidate.length !== network.network.length) return false;
  const masked = applyMask(candidate, network.prefixLength);
  return masked.every((byte, index) => byte === network.network[index]);
}

/** net.ParseMAC: EUI-48, EUI-64 or 20-octet InfiniBand addresses in colon, dash or dot notation. */
export function isMacAddress(text: string): boolean {
  const octetCounts = new Set([6, 8, 20]);
  const colonOrDash = /^[0-9a-fA-F]{2}([:-])[0-9a-fA-F]{2}(?:\1[0-9a-fA-F]{2})*$/.exec(text);
  if (colonOrDash) return octetCounts.has((text.length + 1) / 3);
  if (/^[0-9a-fA-F]{4}(?:\.[0-9a-fA-F]{4})+$/.test(text)) return octetCounts.has(((text.length + 1) / 5) * 2);
  return false;
}

/** net.SplitHostPort's host for `[v6]:port` forms; throws Go's AddrError text. */
export function splitBracketedHost(hostPort: string): string {
  const fail = (reason: string): never => {
    throw new Error(`address ${hostPort}: ${reason}`);
  };
  const lastColon = hostPort.lastIndexOf(':');
  if (lastColon === -1) fail('missing port in address');
  const end = hostPort.indexOf(']');
  if (end === -1) fail("missing ']' in address");
  if (end + 1 === hostPort.length) fail('missing port in address');
  if (end + 1 !== lastColon) fail(hostPort[end + 1] === ':' ? 'too many colons in address' : 'missing port in address');
  if (hostPort.indexOf('[', 1) !== -1) fail("unexpected '[' in address");
  if (hostPort.indexOf(']', end + 1) !== -1) fail("unexpected ']' in address");
  return hostPort.slice(1, end);
}

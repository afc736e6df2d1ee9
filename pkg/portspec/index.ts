// Port specs as Docker parses them (pure): go-connections' nat.ParsePortSpec and friends —
// `[ip:][hostPort[-range]:]containerPort[-range][/proto]` — with their error texts. Shared by the
// CLI's -p/--expose and compose's short port syntax, which expand the parts into their own shapes.

/** A value Docker rejects; the message is Docker's. */
export class PortSpecError extends Error {}

function parseUint16(text: string): number {
  if (!/^\d+$/.test(text)) throw new PortSpecError(`strconv.ParseUint: parsing ${JSON.stringify(text)}: invalid syntax`);
  const value = Number(text);
  if (value > 65535) throw new PortSpecError(`strconv.ParseUint: parsing ${JSON.stringify(text)}: value out of range`);
  return value;
}

/** nat.ParsePortRange: `80` or `8000-8010`. */
export function parsePortRange(text: string): [number, number] {
  if (text === '') throw new PortSpecError('empty string specified for ports');
  if (!text.includes('-')) {
    const port = parseUint16(text);
    return [port, port];
  }
  const parts = text.split('-');
  const start = parseUint16(parts[0]!);
  const end = parseUint16(parts[1]!);
  if (end < start) throw new PortSpecError(`invalid range specified for port: ${text}`);
  return [start, end];
}

/** nat.SplitProtoPort: `80/udp` → ['udp', '80']; a missing protocol is tcp. */
export function splitProtoPort(text: string): [string, string] {
  const parts = text.split('/');
  if (text === '' || parts[0] === '') return ['', ''];
  if (parts.length === 1) return ['tcp', text];
  if (parts[1] === '') return ['tcp', parts[0]!];
  return [parts[1]!, parts[0]!];
}

/** `ip:host:container`, with IPv6 addresses holding colons of their own. */
function splitParts(spec: string): [string, string, string] {
  const parts = spec.split(':');
  const count = parts.length;
  const containerPort = parts[count - 1]!;
  if (count === 1) return ['', '', containerPort];
  if (count === 2) return ['', parts[0]!, containerPort];
  return [parts.slice(0, count - 2).join(':'), parts[count - 2]!, containerPort];
}

export interface PortSpecParts {
  /** Host address, brackets removed; '' for every address. */
  ip: string;
  /** '' when no host port was given (the daemon picks one). */
  hostPort: string;
  hostStart: number;
  hostEnd: number;
  start: number;
  end: number;
  /** Lower-case: tcp, udp or sctp. */
  protocol: string;
}

function defaultUnbracket(ip: string): string {
  if (!ip.endsWith(']')) throw new PortSpecError(`invalid IP address ${ip}`);
  return ip.slice(1, -1);
}

/**
 * nat.ParsePortSpec's checks over one value. `validIp` decides what counts as an address (the
 * CLI uses Go's net.ParseIP rules, compose Node's); brackets around IPv6 are removed first.
 */
export function parsePortSpecParts(
  spec: string,
  validIp: (ip: string) => boolean,
  unbracket: (ip: string) => string = defaultUnbracket,
): PortSpecParts {
  const [rawIp, hostPort, containerPortText] = splitParts(spec);
  const [protocol, containerPort] = splitProtoPort(containerPortText);
  let ip = rawIp;
  if (ip.startsWith('[')) ip = unbracket(ip);
  if (ip !== '' && !validIp(ip)) throw new PortSpecError(`invalid IP address: ${ip}`);
  if (containerPort === '') throw new PortSpecError(`no port specified: ${spec}<empty>`);
  let start: number;
  let end: number;
  try {
    [start, end] = parsePortRange(containerPort);
  } catch {
    throw new PortSpecError(`invalid containerPort: ${containerPort}`);
  }
  let hostStart = 0;
  let hostEnd = 0;
  if (hostPort !== '') {
    try {
      [hostStart, hostEnd] = parsePortRange(hostPort);
    } catch {
      throw new PortSpecError(`invalid hostPort: ${hostPort}`);
    }
  }
  // A host range for a single container port is the range to allocate from.
  if (hostPort !== '' && end - start !== hostEnd - hostStart && end !== start) {
    throw new PortSpecError(`invalid ranges specified for container and host Ports: ${containerPort} and ${hostPort}`);
  }
  const lower = protocol.toLowerCase();
  if (!['tcp', 'udp', 'sctp'].includes(lower)) throw new PortSpecError(`invalid proto: ${protocol}`);
  return { ip, hostPort, hostStart, hostEnd, start, end, protocol: lower };
}

/** The host port text of the mapping `offset` into the range ("8000", or "8000-8010" for one port). */
export function publishedPort(parts: PortSpecParts, offset: number): string {
  if (parts.hostPort === '') return '';
  const host = String(parts.hostStart + offset);
  return parts.start === parts.end && parts.hostStart !== parts.hostEnd ? `${host}-${parts.hostEnd}` : host;
}

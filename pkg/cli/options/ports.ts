// -p/--publish and --expose to ExposedPorts and PortBindings (pure): docker's
// convertToStandardNotation plus go-connections' nat.ParsePortSpecs, with their error texts.
import type { PortBinding, PortMap, PortSet } from '../../client/index.js';
import { parseIp, splitBracketedHost } from './go-net.js';
import { sortedMap } from './values.js';

/** A publish or expose value that docker rejects; the message is docker's. */
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

function splitParts(spec: string): [string, string, string] {
  const parts = spec.split(':');
  const count = parts.length;
  const containerPort = parts[count - 1]!;
  if (count === 1) return ['', '', containerPort];
  if (count === 2) return ['', parts[0]!, containerPort];
  return [parts.slice(0, count - 2).join(':'), parts[count - 2]!, containerPort];
}

/** docker's convertToStandardNotation: `published=8080,target=80,protocol=udp` → `8080:80/udp`. */
function standardNotation(spec: string): string {
  if (!spec.includes('=')) return spec;
  const params: Record<string, string> = { protocol: 'tcp' };
  for (const param of spec.split(',')) {
    const separator = param.indexOf('=');
    if (separator <= 0) throw new PortSpecError(`invalid publish opts format (should be name=value but got '${param}')`);
    params[param.slice(0, separator)] = param.slice(separator + 1);
  }
  return `${params.published ?? ''}:${params.target ?? ''}/${params.protocol ?? ''}`;
}

interface PortMapping {
  port: string;
  binding: PortBinding;
}

/** nat.ParsePortSpec: one `[ip:][hostPort:]containerPort[/proto]` value. */
export function parsePortSpec(spec: string): PortMapping[] {
  const [rawIp, hostPort, containerPortText] = splitParts(spec);
  let ip = rawIp;
  const [protocol, containerPort] = splitProtoPort(containerPortText);
  if (ip !== '' && ip.startsWith('[')) {
    try {
      ip = splitBracketedHost(`${ip}:`);
    } catch (err) {
      throw new PortSpecError(`invalid IP address ${ip}: ${(err as Error).message}`);
    }
  }
  if (ip !== '' && !parseIp(ip)) throw new PortSpecError(`invalid IP address: ${ip}`);
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
  if (!['tcp', 'udp', 'sctp'].includes(protocol.toLowerCase())) throw new PortSpecError(`invalid proto: ${protocol}`);
  const mappings: PortMapping[] = [];
  for (let offset = 0; offset <= end - start; offset++) {
    let host = hostPort === '' ? '' : String(hostStart + offset);
    if (start === end && hostStart !== hostEnd) host = `${host}-${hostEnd}`;
    mappings.push({ port: `${start + offset}/${protocol.toLowerCase()}`, binding: { HostIp: ip, HostPort: host } });
  }
  return mappings;
}

/** `-p` and `--expose` values → the create request's ExposedPorts and PortBindings. */
export function parsePorts(publish: readonly string[], expose: readonly string[]): { exposedPorts: PortSet; portBindings: PortMap } {
  const exposed: PortSet = {};
  const bindings: Record<string, PortBinding[]> = {};
  for (const spec of publish) {
    for (const { port, binding } of parsePortSpec(standardNotation(spec))) {
      exposed[port] = {};
      (bindings[port] ??= []).push(binding);
    }
  }
  for (const spec of expose) {
    if (spec.includes(':')) throw new PortSpecError(`invalid port format for --expose: ${spec}`);
    const [protocol, port] = splitProtoPort(spec);
    let start: number;
    let end: number;
    try {
      [start, end] = parsePortRange(port);
    } catch (err) {
      throw new PortSpecError(`invalid range format for --expose: ${spec}, error: ${(err as Error).message}`);
    }
    for (let number = start; number <= end; number++) exposed[`${number}/${protocol}`] = {};
  }
  return { exposedPorts: sortedMap(exposed), portBindings: sortedMap(bindings) };
}

// -p/--publish and --expose to ExposedPorts and PortBindings (pure): docker's
// convertToStandardNotation plus go-connections' nat.ParsePortSpecs, with their error texts.
import type { PortBinding, PortMap, PortSet } from '../../client/index.js';
import { PortSpecError, parsePortRange, parsePortSpecParts, publishedPort, splitProtoPort } from '../../portspec/index.js';
import { parseIp, splitBracketedHost } from './go-net.js';

export { PortSpecError, parsePortRange, splitProtoPort };
import { sortedMap } from './values.js';

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
  const parts = parsePortSpecParts(spec, (ip) => Boolean(parseIp(ip)), (ip) => {
    try {
      return splitBracketedHost(`${ip}:`);
    } catch (err) {
      throw new PortSpecError(`invalid IP address ${ip}: ${(err as Error).message}`);
    }
  });
  const mappings: PortMapping[] = [];
  for (let offset = 0; offset <= parts.end - parts.start; offset++) {
    mappings.push({ port: `${parts.start + offset}/${parts.protocol}`, binding: { HostIp: parts.ip, HostPort: publishedPort(parts, offset) } });
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

// Network flags of run/create (pure): --network (plain and `name=…,alias=…` forms) with the legacy
// --network-alias/--link/--ip/--ip6/--mac-address/--link-local-ip flags folded into endpoint
// settings as docker's parseNetworkOpts does, and the validators of --add-host, --dns,
// --dns-search and --link, all with docker's texts.
import type { EndpointSettings } from '../../client/index.js';
import { readCsvRecord } from './go-csv.js';
import { formatIp, isMacAddress, parseIp } from './go-net.js';
import { sortedMap, ValueError } from './values.js';

/** A conflict docker reports as `docker: <message>` (exit 125). */
export class NetworkOptionError extends Error {}

/** One `--network` value (docker's opts.NetworkAttachmentOpts). */
export interface NetworkAttachment {
  target: string;
  aliases?: string[];
  driverOpts?: Record<string, string>;
  links?: string[];
  ipv4Address?: string;
  ipv6Address?: string;
  linkLocalIps?: string[];
  macAddress?: string;
  gwPriority?: number;
}

function atoi(text: string): number {
  if (!/^[+-]?\d+$/.test(text)) throw new ValueError('invalid syntax');
  const value = BigInt(text);
  if (value > 9223372036854775807n || value < -9223372036854775808n) throw new ValueError('value out of range');
  return Number(value);
}

/** opts.NetworkOpt.Set: a name, or CSV `name=…,alias=…,ip=…,ip6=…,mac-address=…,link-local-ip=…,driver-opt=k=v,gw-priority=n`. */
export function parseNetworkFlag(value: string): NetworkAttachment {
  // docker's test for the long form is an unanchored match, so `x=y` anywhere selects it.
  if (!/\w+=\w+(,\w+=\w+)*/.test(value)) return { target: value };
  let fields: string[];
  try {
    fields = readCsvRecord(value);
  } catch (err) {
    throw new ValueError((err as Error).message);
  }
  const attachment: NetworkAttachment = { target: '', aliases: [] };
  for (const field of fields) {
    // docker lowercases the whole field, values included.
    const lowered = field.toLowerCase();
    const separator = lowered.indexOf('=');
    if (separator <= 0) throw new ValueError(`invalid field ${field}`);
    const key = lowered.slice(0, separator).trim();
    const text = lowered.slice(separator + 1).trim();
    switch (key) {
      case 'name':
        attachment.target = text;
        break;
      case 'alias':
        attachment.aliases!.push(text);
        break;
      case 'ip':
        attachment.ipv4Address = text;
        break;
      case 'ip6':
        attachment.ipv6Address = text;
        break;
      case 'mac-address':
        attachment.macAddress = text;
        break;
      case 'link-local-ip':
        (attachment.linkLocalIps ??= []).push(text);
        break;
      case 'driver-opt': {
        const optionSeparator = text.indexOf('=');
        if (optionSeparator <= 0) throw new ValueError('invalid key value pair format in driver options');
        (attachment.driverOpts ??= {})[text.slice(0, optionSeparator).trim()] = text.slice(optionSeparator + 1).trim();
        break;
      }
      case 'gw-priority':
        try {
          attachment.gwPriority = atoi(text);
        } catch (err) {
          throw new ValueError(`invalid gw-priority (${text}): ${(err as Error).message}`);
        }
        break;
      default:
        throw new ValueError(`invalid field key ${key}`);
    }
  }
  if (attachment.target === '') throw new ValueError('network name/id is not specified');
  return attachment;
}

/** container.NetworkMode(name).IsUserDefined() on Linux. */
export function isUserDefinedNetwork(name: string): boolean {
  if (['default', 'bridge', 'host', 'none'].includes(name)) return false;
  return !name.startsWith('container:');
}

/** The legacy per-container network flags that apply to the first network. */
export interface LegacyNetworkFlags {
  aliases: readonly string[];
  links: readonly string[];
  ipv4Address: string;
  ipv6Address: string;
  macAddress: string;
  linkLocalIps: readonly string[];
}

function applyLegacyFlags(attachment: NetworkAttachment, legacy: LegacyNetworkFlags): NetworkAttachment {
  const conflict = (what: string): never => {
    throw new NetworkOptionError(`conflicting options: cannot specify both ${what}`);
  };
  if ((attachment.aliases?.length ?? 0) > 0 && legacy.aliases.length > 0) conflict('--network-alias and per-network alias');
  if ((attachment.links?.length ?? 0) > 0 && legacy.links.length > 0) conflict('--link and per-network links');
  if (attachment.ipv4Address && legacy.ipv4Address) conflict('--ip and per-network IPv4 address');
  if (attachment.ipv6Address && legacy.ipv6Address) conflict('--ip6 and per-network IPv6 address');
  if (attachment.macAddress && legacy.macAddress) conflict('--mac-address and per-network MAC address');
  if ((attachment.linkLocalIps?.length ?? 0) > 0 && legacy.linkLocalIps.length > 0) conflict('--link-local-ip and per-network link-local IP addresses');
  const out = { ...attachment };
  if (legacy.aliases.length > 0) out.aliases = [...legacy.aliases];
  // On a user-defined network --link makes an alias; on the default bridge it stays a legacy link.
  if (isUserDefinedNetwork(out.target) && legacy.links.length > 0) out.links = [...legacy.links];
  if (legacy.ipv4Address) out.ipv4Address = legacy.ipv4Address;
  if (legacy.ipv6Address) out.ipv6Address = legacy.ipv6Address;
  if (legacy.macAddress) out.macAddress = legacy.macAddress;
  if (legacy.linkLocalIps.length > 0) out.linkLocalIps = [...legacy.linkLocalIps];
  return out;
}

/** An endpoint as docker's client serializes it (every field present, empty ones zero or null). */
export function endpointSettings(partial: Partial<EndpointSettings> = {}): EndpointSettings {
  return {
    IPAMConfig: partial.IPAMConfig ?? null,
    Links: partial.Links ?? null,
    Aliases: partial.Aliases ?? null,
    MacAddress: partial.MacAddress ?? '',
    DriverOpts: partial.DriverOpts ?? null,
    GwPriority: partial.GwPriority ?? 0,
    NetworkID: '',
    EndpointID: '',
    Gateway: '',
    IPAddress: '',
    IPPrefixLen: 0,
    IPv6Gateway: '',
    GlobalIPv6Address: '',
    GlobalIPv6PrefixLen: 0,
    DNSNames: null,
  };
}

/** parseNetworkAttachmentOpt: the endpoint settings of one attachment, or undefined when all empty. */
function toEndpoint(attachment: NetworkAttachment): EndpointSettings | undefined {
  if (attachment.target.trim() === '') throw new NetworkOptionError('no name set for network');
  if (!isUserDefinedNetwork(attachment.target)) {
    if ((attachment.aliases?.length ?? 0) > 0) throw new NetworkOptionError('network-scoped aliases are only supported for user-defined networks');
    if ((attachment.links?.length ?? 0) > 0) throw new NetworkOptionError('links are only supported for user-defined networks');
  }
  const partial: Partial<EndpointSettings> = {};
  if (attachment.gwPriority) partial.GwPriority = attachment.gwPriority;
  if ((attachment.aliases?.length ?? 0) > 0) partial.Aliases = [...attachment.aliases!];
  if (attachment.driverOpts && Object.keys(attachment.driverOpts).length > 0) partial.DriverOpts = { ...attachment.driverOpts };
  if ((attachment.links?.length ?? 0) > 0) partial.Links = [...attachment.links!];
  if (attachment.ipv4Address || attachment.ipv6Address || (attachment.linkLocalIps?.length ?? 0) > 0) {
    partial.IPAMConfig = {
      ...(attachment.ipv4Address ? { IPv4Address: attachment.ipv4Address } : {}),
      ...(attachment.ipv6Address ? { IPv6Address: attachment.ipv6Address } : {}),
      ...((attachment.linkLocalIps?.length ?? 0) > 0 ? { LinkLocalIPs: [...attachment.linkLocalIps!] } : {}),
    };
  }
  if (attachment.macAddress) {
    if (!isMacAddress(attachment.macAddress.trim())) throw new NetworkOptionError(`${attachment.macAddress} is not a valid mac address`);
    partial.MacAddress = attachment.macAddress;
  }
  return Object.keys(partial).length === 0 ? undefined : endpointSettings(partial);
}

/**
 * docker's parseNetworkOpts: NetworkMode is the first network; each network gets an endpoint (the
 * legacy flags go to the first); a single network with nothing to say sends no endpoint.
 */
export function planNetworks(attachments: readonly NetworkAttachment[], legacy: LegacyNetworkFlags): { networkMode: string; endpoints: Record<string, EndpointSettings> } {
  const endpoints: Record<string, EndpointSettings> = {};
  if (attachments.length === 0) {
    endpoints.default = toEndpoint(applyLegacyFlags({ target: 'default' }, legacy)) ?? endpointSettings();
    return { networkMode: 'default', endpoints };
  }
  let userDefined = false;
  let builtIn = false;
  attachments.forEach((original, index) => {
    if (isUserDefinedNetwork(original.target)) userDefined = true;
    else builtIn = true;
    const attachment = index === 0 ? applyLegacyFlags(original, legacy) : original;
    const endpoint = toEndpoint(attachment);
    if (attachment.target in endpoints) throw new NetworkOptionError(`network ${JSON.stringify(attachment.target)} is specified multiple times`);
    if (index === 0 && attachments.length === 1 && endpoint === undefined) return;
    endpoints[attachment.target] = endpoint ?? endpointSettings();
  });
  if (userDefined && builtIn) throw new NetworkOptionError('conflicting options: cannot attach both user-defined and non-user-defined network-modes');
  return { networkMode: attachments[0]!.target, endpoints: sortedMap(endpoints) };
}

/** opts.ValidateIPAddress: the address in Go's canonical form. */
export function validateIpAddress(value: string): string {
  const ip = parseIp(value.trim());
  if (!ip) throw new ValueError(`IP address is not correctly formatted: ${value}`);
  return formatIp(ip);
}

/** opts.ValidateExtraHost: `host:ip`, `host=ip`, `host=[v6]` or `host:host-gateway` → `host:ip`. */
export function validateExtraHost(value: string): string {
  let separator = value.indexOf('=');
  if (separator === -1) separator = value.indexOf(':');
  const host = separator === -1 ? '' : value.slice(0, separator);
  let address = separator === -1 ? '' : value.slice(separator + 1);
  if (separator === -1 || host === '' || host.includes(':')) throw new ValueError(`bad format for add-host: ${JSON.stringify(value)}`);
  if (address !== 'host-gateway') {
    if (address.length > 2 && address.startsWith('[') && address.endsWith(']')) address = address.slice(1, -1);
    if (!parseIp(address.trim())) throw new ValueError(`invalid IP address in add-host: ${JSON.stringify(address)}`);
  }
  return `${host}:${address}`;
}

// docker's pattern, "(:?" typos included (they make a colon optional rather than a group non-capturing).
const DOMAIN = /^(:?(:?[a-zA-Z0-9]|(:?[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))(:?\.(:?[a-zA-Z0-9]|(:?[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])))*)\.?\s*$/;

/** opts.ValidateDNSSearch: `.` or a domain name (returned without its trailing dot). */
export function validateDnsSearch(value: string): string {
  const trimmed = value.replace(/^ +| +$/g, '');
  if (trimmed === '.') return trimmed;
  if (!/[a-zA-Z]/.test(trimmed)) throw new ValueError(`${trimmed} is not a valid domain`);
  const match = DOMAIN.exec(trimmed);
  if (match && match[1]!.length < 255) return match[1]!;
  throw new ValueError(`${trimmed} is not a valid domain`);
}

/** opts.ValidateLink: `name` or `name:alias`. */
export function validateLink(value: string): string {
  if (value === '') throw new ValueError('empty string specified for links');
  if (value.split(':').length > 2) throw new ValueError(`bad format for links: ${value}`);
  return value;
}

/** The `--mac-address` check docker makes before anything else. */
export function checkMacAddress(value: string): void {
  if (value !== '' && !isMacAddress(value.trim())) throw new NetworkOptionError(`${value} is not a valid mac address`);
}

// Which registry a reference lives on, and how to reach it: https by default; plain http allowed
// (after https fails) for loopback registries and those listed with --insecure-registry, as dockerd
// does. Pure.
import { isIP } from 'node:net';
import { InvalidArgumentError } from '../../errdefs/index.js';

/** docker.io names are served by this host. */
const DOCKER_HUB_HOST = 'registry-1.docker.io';
export const DOCKER_HUB_AUTH_KEY = 'https://index.docker.io/v1/';

export interface RegistryHost {
  /** host[:port] to connect to. */
  host: string;
  /** What the reference calls the registry ("docker.io", "127.0.0.1:5000"). */
  domain: string;
}

export function registryHost(domain: string): RegistryHost {
  if (domain === 'docker.io' || domain === 'index.docker.io') return { host: DOCKER_HUB_HOST, domain: 'docker.io' };
  return { host: domain, domain };
}

/** "127.0.0.1:5000" → "127.0.0.1"; "[::1]:5000" → "::1"; "localhost" → "localhost". */
export function hostnameOf(host: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(host);
  if (bracketed !== null) return bracketed[1];
  const colon = host.lastIndexOf(':');
  return colon >= 0 && /^\d+$/.test(host.slice(colon + 1)) ? host.slice(0, colon) : host;
}

function ipv4ToNumber(ip: string): number {
  return ip.split('.').reduce((value, octet) => value * 256 + Number(octet), 0);
}

function inCidr(ip: string, cidr: string): boolean {
  const [base, bitsText] = cidr.split('/');
  const bits = Number(bitsText);
  if (isIP(ip) === 4 && isIP(base) === 4 && bits >= 0 && bits <= 32) {
    if (bits === 0) return true;
    const mask = bits === 32 ? 0xffffffff : (~((1 << (32 - bits)) - 1) >>> 0);
    return (ipv4ToNumber(ip) & mask) >>> 0 === (ipv4ToNumber(base) & mask) >>> 0;
  }
  if (isIP(ip) === 6 && isIP(base) === 6) return bits === 128 && expandIpv6(ip) === expandIpv6(base);
  return false;
}

function expandIpv6(ip: string): string {
  const [head, tail = ''] = ip.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === '' ? [] : tail.split(':');
  const missing = ip.includes('::') ? 8 - left.length - right.length : 0;
  return [...left, ...Array<string>(missing).fill('0'), ...right].map((group) => group.padStart(4, '0')).join(':');
}

/** Checks a --insecure-registry value: HOST, HOST:PORT or a CIDR. */
export function validateInsecureRegistry(entry: string): string {
  const value = entry.replace(/^https?:\/\//, '').replace(/\/+$/, '');
  if (value === '' || /\s/.test(value) || value.includes('://')) throw new InvalidArgumentError(`invalid insecure registry ${JSON.stringify(entry)}: use HOST:PORT or a CIDR`);
  if (value.includes('/') && !/^[0-9a-fA-F.:]+\/\d{1,3}$/.test(value)) throw new InvalidArgumentError(`invalid insecure registry ${JSON.stringify(entry)}: use HOST:PORT or a CIDR`);
  return value;
}

/**
 * True when plain http (and unverified TLS) may be used: the registry is on 127.0.0.0/8, ::1 or
 * "localhost", or matches an --insecure-registry entry (HOST:PORT exactly, a bare HOST for any
 * port, or a CIDR holding its IP).
 */
export function isInsecureRegistry(host: string, insecure: readonly string[]): boolean {
  const hostname = hostnameOf(host).toLowerCase();
  if (hostname === 'localhost' || inCidr(hostname, '127.0.0.0/8') || inCidr(hostname, '::1/128')) return true;
  for (const entry of insecure) {
    const value = entry.toLowerCase();
    if (value.includes('/')) {
      if (inCidr(hostname, value)) return true;
    } else if (value === host.toLowerCase() || value === hostname) {
      return true;
    }
  }
  return false;
}

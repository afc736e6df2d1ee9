// IPv4 addresses and CIDR blocks as numbers (pure): parsing with clear errors, containment,
// overlap, and Docker's MAC-from-IP rule.

import { InvalidArgumentError } from '../../errdefs/index.js';

export interface Cidr {
  /** Network address as an unsigned 32-bit number. */
  base: number;
  prefix: number;
}

export function parseIPv4(text: string): number {
  const parts = text.trim().split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255 || (p.length > 1 && p.startsWith('0')))) {
    throw new InvalidArgumentError(`invalid IPv4 address: ${text}`);
  }
  return parts.reduce((value, part) => value * 256 + Number(part), 0);
}

export function isIPv4(text: string): boolean {
  try {
    parseIPv4(text);
    return true;
  } catch {
    return false;
  }
}

export function formatIPv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff - (2 ** (32 - prefix) - 1)) >>> 0;
}

/** Parses "172.18.0.0/16"; a host part set ("172.18.0.5/16") is an error, as with Docker. */
export function parseCidr(text: string, what = 'subnet'): Cidr {
  const match = /^([\d.]+)\/(\d{1,2})$/.exec(text.trim());
  if (!match || Number(match[2]) > 32) throw new InvalidArgumentError(`invalid ${what} ${text}: not a CIDR (e.g. 172.20.0.0/16)`);
  let address: number;
  try {
    address = parseIPv4(match[1]);
  } catch {
    throw new InvalidArgumentError(`invalid ${what} ${text}: not a CIDR (e.g. 172.20.0.0/16)`);
  }
  const prefix = Number(match[2]);
  const base = (address & maskOf(prefix)) >>> 0;
  return { base, prefix };
}

export function formatCidr(cidr: Cidr): string {
  return `${formatIPv4(cidr.base)}/${cidr.prefix}`;
}

export function size(cidr: Cidr): number {
  return 2 ** (32 - cidr.prefix);
}

export function lastAddress(cidr: Cidr): number {
  return cidr.base + size(cidr) - 1;
}

export function contains(cidr: Cidr, address: number): boolean {
  return address >= cidr.base && address <= lastAddress(cidr);
}

export function containsCidr(outer: Cidr, inner: Cidr): boolean {
  return inner.prefix >= outer.prefix && contains(outer, inner.base);
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.base <= lastAddress(b) && b.base <= lastAddress(a);
}

/** Docker's container MAC: 02:42 followed by the four bytes of its IPv4 address. */
export function macFromIPv4(address: number): string {
  const bytes = [24, 16, 8, 0].map((shift) => (Math.floor(address / 2 ** shift) % 256).toString(16).padStart(2, '0'));
  return `02:42:${bytes.join(':')}`;
}

export function isValidMac(text: string): boolean {
  return /^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$/.test(text);
}

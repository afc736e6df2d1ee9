// The embedded DNS server of user networks: listens on each network's gateway address (UDP 53),
// answers container names, aliases and hostnames with A records, and forwards every other query
// to the host's resolvers. The wire codec (parseQuery, buildAnswer) is pure.

import dgram from 'node:dgram';
import type { Logger } from 'pino';

export const TYPE_A = 1;
export const TYPE_PTR = 12;
export const TYPE_AAAA = 28;
const CLASS_IN = 1;
const TTL_SECONDS = 600;
const UPSTREAM_TIMEOUT_MS = 3_000;

export interface DnsQuery {
  id: number;
  flags: number;
  name: string;
  type: number;
  qclass: number;
  /** The question section's bytes, copied into answers. */
  question: Buffer;
}

function readName(message: Buffer, offset: number): { name: string; end: number } {
  const labels: string[] = [];
  let position = offset;
  let end = -1;
  for (let hops = 0; hops < 64; hops++) {
    if (position >= message.length) throw new Error('truncated name');
    const length = message[position];
    if (length === 0) {
      if (end < 0) end = position + 1;
      return { name: labels.join('.'), end };
    }
    if ((length & 0xc0) === 0xc0) {
      if (end < 0) end = position + 2;
      position = ((length & 0x3f) << 8) | message[position + 1];
      continue;
    }
    labels.push(message.subarray(position + 1, position + 1 + length).toString('latin1'));
    position += 1 + length;
  }
  throw new Error('name compression loop');
}

/** Parses a query's header and first question; undefined for anything else (pure). */
export function parseQuery(message: Buffer): DnsQuery | undefined {
  if (message.length < 12) return undefined;
  const flags = message.readUInt16BE(2);
  if (flags & 0x8000) return undefined; // a response, not a query
  if (message.readUInt16BE(4) < 1) return undefined;
  try {
    const { name, end } = readName(message, 12);
    if (end + 4 > message.length) return undefined;
    return {
      id: message.readUInt16BE(0),
      flags,
      name: name.toLowerCase(),
      type: message.readUInt16BE(end),
      qclass: message.readUInt16BE(end + 2),
      question: Buffer.from(message.subarray(12, end + 4)),
    };
  } catch {
    return undefined;
  }
}

function encodeName(name: string): Buffer {
  const parts = name.split('.').filter(Boolean).map((label) => {
    const bytes = Buffer.from(label, 'latin1');
    return Buffer.concat([Buffer.from([bytes.length]), bytes]);
  });
  return Buffer.concat([...parts, Buffer.from([0])]);
}

/** An authoritative answer: A records (or PTR names) for the query; rcode 3 for NXDOMAIN (pure). */
export function buildAnswer(query: DnsQuery, records: { addresses?: string[]; names?: string[] }, rcode = 0): Buffer {
  const answers: Buffer[] = [];
  for (const address of records.addresses ?? []) {
    const rr = Buffer.alloc(16);
    rr.writeUInt16BE(0xc00c, 0); // pointer to the question's name
    rr.writeUInt16BE(TYPE_A, 2);
    rr.writeUInt16BE(CLASS_IN, 4);
    rr.writeUInt32BE(TTL_SECONDS, 6);
    rr.writeUInt16BE(4, 10);
    address.split('.').forEach((octet, i) => rr.writeUInt8(Number(octet), 12 + i));
    answers.push(rr);
  }
  for (const name of records.names ?? []) {
    const data = encodeName(name);
    const rr = Buffer.alloc(12);
    rr.writeUInt16BE(0xc00c, 0);
    rr.writeUInt16BE(TYPE_PTR, 2);
    rr.writeUInt16BE(CLASS_IN, 4);
    rr.writeUInt32BE(TTL_SECONDS, 6);
    rr.writeUInt16BE(data.length, 10);
    answers.push(rr, data);
  }
  const header = Buffer.alloc(12);
  header.writeUInt16BE(query.id, 0);
  // QR, opcode copied, AA, RD copied, RA, rcode.
  header.writeUInt16BE(0x8000 | (query.flags & 0x7800) | 0x0400 | (query.flags & 0x0100) | 0x0080 | (rcode & 0xf), 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE((records.addresses?.length ?? 0) + (records.names?.length ?? 0), 6);
  return Buffer.concat([header, query.question, ...answers]);
}

/** A SERVFAIL answer for a query whose upstream did not answer (pure). */
export function buildFailure(query: DnsQuery): Buffer {
  return buildAnswer(query, {}, 2);
}

/** What the server knows: answers for a name asked by `client` on the network at `local`. */
export interface DnsResolver {
  /** Addresses of `name` for this client, or undefined when the name is not a container's. */
  lookup(name: string, client: string, local: string): string[] | undefined;
  /** Container names for a reverse lookup of `address`, or undefined. */
  reverse(address: string, client: string): string[] | undefined;
}

export class DnsServer {
  private readonly sockets = new Map<string, dgram.Socket>();

  constructor(
    private readonly resolver: DnsResolver,
    private readonly upstreams: () => string[],
    private readonly log: Logger,
  ) {}

  /** Starts answering on address:53 (idempotent). */
  async listen(address: string): Promise<void> {
    if (this.sockets.has(address)) return;
    const socket = dgram.createSocket({ type: 'udp4', reuseAddr: true });
    socket.on('message', (message, remote) => void this.answer(socket, message, remote, address));
    socket.on('error', (err) => this.log.warn({ address, err: err.message }, 'dns socket error'));
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(53, address, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    this.sockets.set(address, socket);
    this.log.info({ address }, 'embedded DNS listening');
  }

  close(address: string): void {
    const socket = this.sockets.get(address);
    if (!socket) return;
    this.sockets.delete(address);
    socket.close();
  }

  closeAll(): void {
    for (const address of [...this.sockets.keys()]) this.close(address);
  }

  private async answer(socket: dgram.Socket, message: Buffer, remote: dgram.RemoteInfo, local: string): Promise<void> {
    const query = parseQuery(message);
    if (!query) return;
    const reply = (data: Buffer): void => socket.send(data, remote.port, remote.address);
    if (query.qclass === CLASS_IN && query.type === TYPE_PTR) {
      const address = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\.in-addr\.arpa$/.exec(query.name);
      const names = address ? this.resolver.reverse(`${address[4]}.${address[3]}.${address[2]}.${address[1]}`, remote.address) : undefined;
      if (names) {
        reply(buildAnswer(query, { names }));
        return;
      }
    } else if (query.qclass === CLASS_IN) {
      const addresses = this.resolver.lookup(query.name.replace(/\.$/, ''), remote.address, local);
      if (addresses) {
        // A container name: A records; other types (AAAA…) get an empty NOERROR answer.
        reply(buildAnswer(query, { addresses: query.type === TYPE_A ? addresses : [] }));
        return;
      }
    }
    reply(await this.forward(message, query));
  }

  /** Relays the query to the host's resolvers in turn; SERVFAIL if none answers. */
  private async forward(message: Buffer, query: DnsQuery): Promise<Buffer> {
    for (const upstream of this.upstreams()) {
      const response = await new Promise<Buffer | undefined>((resolve) => {
        const client = dgram.createSocket('udp4');
        const timer = setTimeout(() => {
          client.close();
          resolve(undefined);
        }, UPSTREAM_TIMEOUT_MS);
        client.on('message', (data) => {
          clearTimeout(timer);
          client.close();
          resolve(data);
        });
        client.on('error', () => {
          clearTimeout(timer);
          client.close();
          resolve(undefined);
        });
        // Unreachable upstreams fail at once through the send callback (not the 'error' event).
        client.send(message, 53, upstream, (err) => {
          if (!err) return;
          clearTimeout(timer);
          client.close();
          resolve(undefined);
        });
      });
      if (response) return response;
    }
    return buildFailure(query);
  }
}

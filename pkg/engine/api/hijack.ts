// Hijacked connections (attach, exec start): answering the upgrade, and bridging the client's raw
// stream to a monitor's attach socket with Docker's detach keys. Half-closing the client's write
// side is stdin EOF; a detach closes the monitor connection outright, which leaves stdin open.

import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { InvalidArgumentError } from '../../errdefs/index.js';
import type { RequestContext } from './http.js';

/** Docker's detach keys ("ctrl-p,ctrl-q", "a,ctrl-c") as bytes (pure). */
export function parseDetachKeys(spec: string): number[] {
  if (spec === '') return [];
  return spec.split(',').map((key) => {
    const trimmed = key.trim();
    if (trimmed.length === 1) return trimmed.charCodeAt(0);
    const lower = trimmed.toLowerCase();
    if (lower === 'del') return 127;
    const match = /^ctrl-([a-z@[\\\]^_])$/.exec(lower);
    if (!match) throw new InvalidArgumentError(`Invalid detach keys (${spec}) provided`);
    const c = match[1];
    return c >= 'a' && c <= 'z' ? c.charCodeAt(0) - 96 : { '@': 0, '[': 27, '\\': 28, ']': 29, '^': 30, _: 31 }[c]!;
  });
}

export const DEFAULT_DETACH_KEYS = [0x10, 0x11];

/**
 * Answers the request as a hijacked raw stream and returns the client connection plus any
 * bytes it already sent (stdin). Upgrade requests get `101 UPGRADED`; others a raw 200.
 */
export async function startHijack(ctx: RequestContext, contentType: string): Promise<{ client: Duplex; leftover: Buffer }> {
  if (ctx.hijackable) {
    // A request body (dockerode sends its options as JSON) is not stdin: consume it first.
    await ctx.rawBody();
    const { socket } = ctx.hijackable;
    socket.write(`HTTP/1.1 101 UPGRADED\r\nContent-Type: ${contentType}\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n`);
    return { client: socket, leftover: ctx.upgradeLeftover() };
  }
  const res = ctx.mustRes();
  // Not an upgrade (older clients): take the socket over and write the head by hand so that no
  // chunked encoding wraps the raw stream.
  const socket = res.socket as Socket;
  res.detachSocket(socket);
  socket.write(`HTTP/1.1 200 OK\r\nContent-Type: ${contentType}\r\nApi-Version: ${ctx.apiVersion}\r\n\r\n`);
  return { client: socket, leftover: Buffer.alloc(0) };
}

export interface BridgeOptions {
  /** Forward client bytes to the process's stdin. */
  stdin: boolean;
  /** Checked on tty streams only, as with dockerd: piped binary stdin must pass untouched. */
  detachKeys: number[];
  /** Awaited before the client sees the end of the stream (exec: its exit code is recorded first). */
  beforeEnd?: () => Promise<void>;
}

/** Pipes monitor ⇄ client until either side ends. Resolves when the bridge is closed. */
export function bridge(client: Duplex, leftover: Buffer, monitor: Socket, options: BridgeOptions): Promise<void> {
  return new Promise((resolve) => {
    let closed = false;
    const finish = (): void => {
      if (closed) return;
      closed = true;
      resolve();
    };
    const detach = (): void => {
      monitor.destroy();
      client.end();
      finish();
    };
    let held: number[] = [];
    const forward = (chunk: Buffer): void => {
      if (!options.stdin || closed) return;
      if (options.detachKeys.length === 0) {
        if (!monitor.write(chunk)) client.pause();
        return;
      }
      // Scan for the detach sequence; bytes of a partial match are held back until it resolves.
      const out: number[] = [];
      for (const byte of chunk) {
        if (byte === options.detachKeys[held.length]) {
          held.push(byte);
          if (held.length === options.detachKeys.length) {
            if (out.length) monitor.write(Buffer.from(out));
            detach();
            return;
          }
          continue;
        }
        out.push(...held);
        held = [];
        if (byte === options.detachKeys[0]) held.push(byte);
        else out.push(byte);
      }
      if (out.length && !monitor.write(Buffer.from(out))) client.pause();
    };
    monitor.on('drain', () => client.resume());
    monitor.on('data', (chunk: Buffer) => {
      if (!client.write(chunk)) monitor.pause();
    });
    client.on('drain', () => monitor.resume());
    let ending = false;
    const endClient = (): void => {
      if (ending) return;
      ending = true;
      void (options.beforeEnd ?? (() => Promise.resolve()))()
        .catch(() => undefined)
        .then(() => {
          client.end();
          finish();
        });
    };
    monitor.on('end', endClient);
    monitor.on('error', () => {
      client.destroy();
      finish();
    });
    monitor.on('close', endClient);
    client.on('error', () => {
      monitor.destroy();
      finish();
    });
    client.on('close', () => {
      monitor.destroy();
      finish();
    });
    if (leftover.length) forward(leftover);
    client.on('data', forward);
    // Reading a request body that arrived after the head (always so over TLS, where Go sends head
    // and body as separate records) leaves the socket explicitly paused, which a 'data' listener
    // does not undo.
    client.resume();
    client.on('end', () => {
      // The client half-closed its side: stdin EOF for the process, after any held bytes.
      if (!options.stdin || closed) return;
      if (held.length) monitor.write(Buffer.from(held));
      held = [];
      monitor.end();
    });
  });
}

// Exec endpoints of the Engine API (effects via Transport): create, start (hijacked or detached),
// inspect and resize.
import type { Abortable } from './containers.js';
import type { HijackedConnection, Transport } from './transport.js';
import type { ExecCreateRequest, ExecInspectResponse } from './types-network.js';

export interface ExecStartOptions extends Abortable {
  tty?: boolean;
  consoleSize?: [number, number];
}

function startBody(detach: boolean, options: ExecStartOptions): Record<string, unknown> {
  return { Detach: detach, Tty: options.tty ?? false, ...(options.consoleSize ? { ConsoleSize: options.consoleSize } : {}) };
}

const path = (id: string, suffix: string): string => `/exec/${encodeURIComponent(id)}${suffix}`;

export class ExecApi {
  constructor(private readonly transport: Transport) {}

  create(containerId: string, body: ExecCreateRequest, options: Abortable = {}): Promise<{ Id: string }> {
    return this.transport.json<{ Id: string }>({
      method: 'POST',
      path: `/containers/${encodeURIComponent(containerId)}/exec`,
      body,
      signal: options.signal,
    });
  }

  /** Starts attached: the daemon upgrades the connection and streams the process's I/O. */
  start(execId: string, options: ExecStartOptions = {}): Promise<HijackedConnection> {
    return this.transport.hijack({
      method: 'POST',
      path: path(execId, '/start'),
      body: startBody(false, options),
      signal: options.signal,
    });
  }

  /** Starts detached: returns once the process runs; nothing is streamed. */
  async startDetached(execId: string, options: ExecStartOptions = {}): Promise<void> {
    await this.transport.empty({
      method: 'POST',
      path: path(execId, '/start'),
      body: startBody(true, options),
      signal: options.signal,
    });
  }

  inspect(execId: string, options: Abortable = {}): Promise<ExecInspectResponse> {
    return this.transport.json<ExecInspectResponse>({ method: 'GET', path: path(execId, '/json'), signal: options.signal });
  }

  async resize(execId: string, size: { height: number; width: number }, options: Abortable = {}): Promise<void> {
    await this.transport.empty({ method: 'POST', path: path(execId, '/resize'), query: { h: size.height, w: size.width }, signal: options.signal });
  }
}

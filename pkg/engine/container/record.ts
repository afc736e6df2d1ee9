// The persisted record of one container (pure types + helpers): its configuration as created,
// its runtime state, and Berth's own bookkeeping. Stored as <data-root>/containers/<id>/config.json.

import type { ContainerConfig, ContainerState, EndpointSettings, HostConfig, NetworkingConfig } from './types.js';
import { ZERO_TIME } from './types.js';

export interface MountPoint {
  Type: 'bind' | 'volume' | 'tmpfs';
  Name?: string;
  Source: string;
  Destination: string;
  Driver?: string;
  Mode: string;
  RW: boolean;
  Propagation: string;
}

export interface ContainerRecord {
  id: string;
  /** Without the leading slash. */
  name: string;
  created: string;
  imageId: string;
  config: ContainerConfig;
  hostConfig: HostConfig;
  networkingConfig: NetworkingConfig;
  path: string;
  args: string[];
  state: ContainerState;
  restartCount: number;
  /** Set by an explicit stop/kill; `unless-stopped` and daemon start-up honour it. */
  manuallyStopped: boolean;
  hasBeenStarted: boolean;
  /** Chain id of the image's top layer: the overlay lower dirs. */
  layerChainId: string | null;
  mounts: MountPoint[];
  /** Per-network endpoint state, filled by the network layer. */
  networks: Record<string, EndpointSettings>;
  /** Extra fields other layers keep with the container (ports, sandbox key, …). */
  extras: Record<string, unknown>;
}

export function initialState(): ContainerState {
  return {
    Status: 'created', Running: false, Paused: false, Restarting: false, OOMKilled: false, Dead: false,
    Pid: 0, ExitCode: 0, Error: '', StartedAt: ZERO_TIME, FinishedAt: ZERO_TIME,
  };
}

/** RFC 3339 with nanoseconds, as Go prints it (trailing zeros of the fraction dropped). */
export function formatTimestamp(date: Date, extraNanos = 0): string {
  const iso = date.toISOString(); // 2026-11-24T05:39:02.123Z
  const millis = iso.slice(20, 23);
  const fraction = `${millis}${String(extraNanos).padStart(6, '0')}`.replace(/0+$/, '');
  return `${iso.slice(0, 19)}${fraction ? `.${fraction}` : ''}Z`;
}

/** A current timestamp with sub-millisecond digits from the monotonic clock. */
export function nowTimestamp(): string {
  const nanos = process.hrtime.bigint();
  return formatTimestamp(new Date(), Number(nanos % 1_000_000n));
}

/** Parses Go/RFC 3339 timestamps (nanosecond precision accepted) to milliseconds since epoch. */
export function parseTimestamp(text: string): number {
  if (!text || text.startsWith('0001-')) return 0;
  return Date.parse(text.replace(/(\.\d{3})\d+/, '$1'));
}

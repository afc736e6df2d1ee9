// The image config document (OCI image-spec config with docker's extensions): types, parsing and
// validation, host platform, and Go-style timestamps. Pure.
import { InvalidArgumentError } from '../../errdefs/index.js';

export interface HealthConfig {
  Test?: string[];
  Interval?: number;
  Timeout?: number;
  StartPeriod?: number;
  StartInterval?: number;
  Retries?: number;
}

/** The `config` object: runtime defaults for containers of the image. */
export interface ContainerDefaults {
  User?: string;
  ExposedPorts?: Record<string, Record<string, never>>;
  Env?: string[] | null;
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  Volumes?: Record<string, Record<string, never>> | null;
  WorkingDir?: string;
  Labels?: Record<string, string> | null;
  StopSignal?: string;
  ArgsEscaped?: boolean;
  Healthcheck?: HealthConfig;
  OnBuild?: string[] | null;
  Shell?: string[];
  /** Configs written by dockerd carry container.Config's other keys (Hostname, Tty, …). */
  [legacy: string]: unknown;
}

export interface HistoryEntry {
  created?: string;
  created_by?: string;
  author?: string;
  comment?: string;
  empty_layer?: boolean;
}

/** Everything of a config but the layer list (what createImage callers supply). */
export interface ImageConfigBase {
  architecture: string;
  os: string;
  variant?: string;
  'os.version'?: string;
  created?: string;
  author?: string;
  config?: ContainerDefaults;
  history?: HistoryEntry[];
  /** Docker extensions found in configs made by dockerd. */
  comment?: string;
  parent?: string;
  container?: string;
  container_config?: ContainerDefaults;
  docker_version?: string;
  [extension: string]: unknown;
}

export interface ImageConfig extends ImageConfigBase {
  rootfs: { type: string; diff_ids: string[] };
}

/** Parses and checks config bytes; the id of the image is the sha256 of exactly these bytes. */
export function parseImageConfig(bytes: Uint8Array): ImageConfig {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (err) {
    throw new InvalidArgumentError(`invalid image config: ${(err as Error).message}`, { cause: err });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InvalidArgumentError('invalid image config: not a JSON object');
  const config = value as Partial<ImageConfig>;
  const rootfs = config.rootfs;
  if (rootfs === undefined || rootfs === null || typeof rootfs !== 'object' || !Array.isArray(rootfs.diff_ids)) {
    throw new InvalidArgumentError('invalid image config: rootfs.diff_ids is missing');
  }
  if (rootfs.type !== 'layers') throw new InvalidArgumentError(`invalid image config: rootfs type ${JSON.stringify(rootfs.type)} is not "layers"`);
  for (const diffId of rootfs.diff_ids) {
    if (typeof diffId !== 'string' || !/^sha256:[a-f0-9]{64}$/.test(diffId)) {
      throw new InvalidArgumentError(`invalid image config: bad diff id ${JSON.stringify(diffId)}`);
    }
  }
  if (typeof config.os !== 'string' || config.os === '') throw new InvalidArgumentError('invalid image config: os is missing');
  if (config.os !== 'linux') throw new InvalidArgumentError(`cannot load ${config.os} image on linux`);
  if (typeof config.architecture !== 'string') config.architecture = '';
  return config as ImageConfig;
}

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

const NODE_ARCH_TO_OCI: Record<string, string> = {
  x64: 'amd64',
  arm64: 'arm64',
  arm: 'arm',
  ia32: '386',
  ppc64: 'ppc64le',
  s390x: 's390x',
  riscv64: 'riscv64',
  loong64: 'loong64',
  mips: 'mips',
  mipsel: 'mipsle',
};

export function hostPlatform(): Platform {
  return { os: 'linux', architecture: NODE_ARCH_TO_OCI[process.arch] ?? process.arch };
}

/** "linux/amd64", "linux/arm/v7", "amd64" → Platform (pure). */
export function parsePlatform(text: string): Platform {
  const parts = text.toLowerCase().split('/');
  if (parts.some((part) => part === '') || parts.length > 3) throw new InvalidArgumentError(`"${text}": unknown operating system or architecture: invalid argument`);
  if (parts.length === 1) return { ...hostPlatform(), architecture: parts[0] === 'x86_64' ? 'amd64' : parts[0] };
  const platform: Platform = { os: parts[0], architecture: parts[1] === 'x86_64' ? 'amd64' : parts[1] };
  if (parts[2] !== undefined) platform.variant = parts[2];
  if (platform.os !== 'linux') throw new InvalidArgumentError(`operating system is not supported: ${platform.os}`);
  return platform;
}

/** RFC 3339 with Go's RFC3339Nano trimming ("2026-11-22T17:26:43.968Z", whole seconds without a fraction). */
export function formatTime(date: Date): string {
  return date.toISOString().replace(/\.(\d*?)0*Z$/, (_match, digits: string) => (digits === '' ? 'Z' : `.${digits}Z`));
}

/** Go's zero time, which dockerd prints for a never-tagged image. */
export const ZERO_TIME = '0001-01-01T00:00:00Z';

/** Unix seconds of an RFC 3339 timestamp, 0 when absent or unparsable. */
export function unixSeconds(timestamp: string | undefined): number {
  if (timestamp === undefined) return 0;
  const ms = Date.parse(timestamp);
  return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
}

// The run config a build stage carries from step to step (pure): docker's container.Config subset
// that becomes each step image's `config` and `container_config`, with the legacy builder's key
// order, plus the step image's whole config document.
import type { ContainerDefaults, HealthConfig, HistoryEntry, ImageConfig, ImageConfigBase } from '../image/index.js';

export interface RunConfig {
  User?: string;
  ExposedPorts?: Record<string, Record<string, never>>;
  Env?: string[] | null;
  Cmd?: string[] | null;
  Healthcheck?: HealthConfig;
  ArgsEscaped?: boolean;
  Volumes?: Record<string, Record<string, never>> | null;
  WorkingDir?: string;
  Entrypoint?: string[] | null;
  OnBuild?: string[] | null;
  Labels?: Record<string, string> | null;
  StopSignal?: string;
  Shell?: string[];
}

const RUN_CONFIG_KEYS: (keyof RunConfig)[] = ['User', 'ExposedPorts', 'Env', 'Cmd', 'Healthcheck', 'ArgsEscaped', 'Volumes', 'WorkingDir', 'Entrypoint', 'OnBuild', 'Labels', 'StopSignal', 'Shell'];

/** An image's container defaults → a stage's run config (a deep copy). */
export function runConfigOf(defaults: ContainerDefaults | undefined): RunConfig {
  const config: RunConfig = {};
  for (const key of RUN_CONFIG_KEYS) {
    const value = defaults?.[key];
    if (value !== undefined) (config as Record<string, unknown>)[key] = structuredClone(value);
  }
  return config;
}

export function copyRunConfig(config: RunConfig, changes: Partial<RunConfig> = {}): RunConfig {
  return { ...structuredClone(config), ...changes };
}

/** The `config` / `container_config` object dockerd writes for a committed build step. */
export function containerConfigDocument(config: RunConfig, parentImageId: string): ContainerDefaults {
  const document: ContainerDefaults = {
    Hostname: '',
    Domainname: '',
    User: config.User ?? '',
    AttachStdin: false,
    AttachStdout: false,
    AttachStderr: false,
  };
  if (config.ExposedPorts && Object.keys(config.ExposedPorts).length > 0) document.ExposedPorts = config.ExposedPorts;
  Object.assign(document, { Tty: false, OpenStdin: false, StdinOnce: false, Env: config.Env ?? null, Cmd: config.Cmd ?? null });
  if (config.Healthcheck) document.Healthcheck = config.Healthcheck;
  if (config.ArgsEscaped) document.ArgsEscaped = true;
  Object.assign(document, {
    Image: parentImageId,
    Volumes: config.Volumes && Object.keys(config.Volumes).length > 0 ? config.Volumes : null,
    WorkingDir: config.WorkingDir ?? '',
    Entrypoint: config.Entrypoint ?? null,
    OnBuild: config.OnBuild && config.OnBuild.length > 0 ? config.OnBuild : null,
    Labels: config.Labels ?? null,
  });
  if (config.StopSignal) document.StopSignal = config.StopSignal;
  if (config.Shell) document.Shell = config.Shell;
  return document;
}

export interface StepImageInput {
  /** The image the step started from; undefined for FROM scratch. */
  parent: { id: string; config: ImageConfig } | undefined;
  platform: { os: string; architecture: string; variant?: string };
  config: RunConfig;
  containerConfig: RunConfig;
  containerId: string;
  created: string;
  author?: string;
  /** The new layer's diffID, or undefined for a step that left the filesystem alone. */
  diffId: string | undefined;
}

/** The config document of a step image (dockerd's NewChildImage) and its layer list. */
export function stepImageConfig(input: StepImageInput): { config: ImageConfigBase; diffIds: string[] } {
  const parentId = input.parent?.id ?? '';
  const history: HistoryEntry[] = [...(input.parent?.config.history ?? [])];
  const entry: HistoryEntry = { created: input.created };
  if (input.author) entry.author = input.author;
  entry.created_by = (input.containerConfig.Cmd ?? []).join(' ');
  if (input.diffId === undefined) entry.empty_layer = true;
  history.push(entry);
  const config: ImageConfigBase = {
    architecture: input.platform.architecture,
    ...(input.platform.variant ? { variant: input.platform.variant } : {}),
    ...(input.author ? { author: input.author } : {}),
    config: containerConfigDocument(input.config, parentId),
    container: input.containerId,
    container_config: containerConfigDocument(input.containerConfig, parentId),
    created: input.created,
    history,
    os: input.platform.os,
  };
  const diffIds = [...(input.parent?.config.rootfs.diff_ids ?? [])];
  if (input.diffId !== undefined) diffIds.push(input.diffId);
  return { config, diffIds };
}

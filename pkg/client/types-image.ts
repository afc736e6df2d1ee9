// Engine API image types (pure declarations), from moby api/swagger.yaml at API 1.50.
import type { ContainerConfig, StringMap } from './types-container.js';

export interface OciPlatform {
  architecture: string;
  os: string;
  'os.version'?: string;
  'os.features'?: string[];
  variant?: string;
}

export interface OciDescriptor {
  mediaType: string;
  digest: string;
  size: number;
  urls?: string[] | null;
  annotations?: StringMap | null;
  data?: string | null;
  platform?: OciPlatform | null;
  artifactType?: string | null;
}

/** One item of `GET /images/json`. */
export interface ImageSummary {
  Id: string;
  ParentId: string;
  RepoTags: string[] | null;
  RepoDigests: string[] | null;
  Created: number;
  Size: number;
  SharedSize: number;
  /** Deprecated since API 1.44; still sent by older daemons. */
  VirtualSize?: number;
  Labels: StringMap | null;
  Containers: number;
  Manifests?: unknown[];
  Descriptor?: OciDescriptor;
}

/** The image-side config (`.Config` of an image inspect). */
export type ImageConfig = Pick<
  ContainerConfig,
  'User' | 'ExposedPorts' | 'Env' | 'Cmd' | 'Healthcheck' | 'ArgsEscaped' | 'Volumes' | 'WorkingDir' | 'Entrypoint' | 'OnBuild' | 'Labels' | 'StopSignal' | 'Shell'
> &
  Partial<ContainerConfig>;

/** `GET /images/{name}/json`. */
export interface ImageInspect {
  Id: string;
  Descriptor?: OciDescriptor;
  Manifests?: unknown[];
  RepoTags: string[] | null;
  RepoDigests: string[] | null;
  Parent?: string;
  Comment: string;
  Created?: string;
  Container?: string;
  ContainerConfig?: ContainerConfig;
  DockerVersion?: string;
  Author: string;
  Config: ImageConfig | null;
  Architecture: string;
  Variant?: string;
  Os: string;
  OsVersion?: string;
  Size: number;
  VirtualSize?: number;
  GraphDriver?: { Name: string; Data: StringMap | null };
  RootFS: { Type: string; Layers?: string[] };
  Metadata?: { LastTagTime?: string };
}

/** One item of `GET /images/{name}/history`. */
export interface ImageHistoryItem {
  Id: string;
  Created: number;
  CreatedBy: string;
  Tags: string[] | null;
  Size: number;
  Comment: string;
}

/** One item of `DELETE /images/{name}`. */
export interface ImageDeleteResponseItem {
  Untagged?: string;
  Deleted?: string;
}

export interface ImagePruneResponse {
  ImagesDeleted: ImageDeleteResponseItem[] | null;
  SpaceReclaimed: number;
}

/**
 * One message of a progress stream (pull, push, import, load, build): docker's jsonmessage.
 * A message with `error`/`errorDetail` ends the operation with that error.
 */
export interface JsonMessage {
  id?: string;
  status?: string;
  progress?: string;
  progressDetail?: { current?: number; total?: number; start?: number; hidecounts?: boolean; units?: string };
  stream?: string;
  error?: string;
  errorDetail?: { code?: number; message?: string };
  from?: string;
  time?: number;
  timeNano?: number;
  aux?: unknown;
}

// Public surface of pkg/client: the typed Engine API client and its stream utilities.
export { EngineClient, parseEvent, resolveClientOptions } from './client.js';
export type { EngineClientOptions, EndpointSelection, EventsOptions, RegistryLoginRequest, SystemPruneOptions, SystemPruneReport } from './client.js';
export { ContainersApi, decodePathStat } from './containers.js';
export type {
  Abortable,
  ArchiveResult,
  AttachOptions,
  ContainerListOptions,
  LogsOptions,
  LogsStream,
  PendingWait,
  PutArchiveOptions,
  StopOptions,
} from './containers.js';
export { ImagesApi } from './images.js';
export { createBuildContext, dockerfileOnlyContext } from './build.js';
export type { BuildContextOptions, BuildContextTar, ImageBuildOptions } from './build.js';
export type { ImageImportOptions, ImageListOptions, RegistryAuthOptions } from './images.js';
export { ExecApi } from './exec.js';
export type { ExecStartOptions } from './exec.js';
export { NetworksApi, VolumesApi } from './networks.js';
export { encodeFilters, parseFilterFlags } from './filters.js';
export type { Filters } from './filters.js';
export { DEFAULT_HOST, DEFAULT_SOCKET_PATH, parseHost } from './host.js';
export { defaultContextOptions, storedContextOptions } from './endpoint.js';
export {
  CONTEXT_NAME_PATTERN,
  ContextStore,
  DEFAULT_CONTEXT,
  DOCKER_ENDPOINT,
  TLS_FILES,
  clientConfigDir,
  contextDirName,
  dockerEndpoint,
  readCurrentContext,
  resolveContextName,
  validateContextName,
  writeCurrentContext,
} from './contexts.js';
export type { ContextTls, DockerEndpointMeta, StoredContext } from './contexts.js';
export type { EngineEndpoint, TlsOptions } from './host.js';
export { CLIENT_API_VERSION, FALLBACK_API_VERSION, compareApiVersions, isApiVersion, negotiateApiVersion } from './version.js';
export {
  DaemonConnectionError,
  DaemonPermissionError,
  EngineConflictError,
  EngineForbiddenError,
  EngineInternalError,
  EngineInvalidArgumentError,
  EngineNotFoundError,
  EngineNotImplementedError,
  EngineNotModifiedError,
  EngineUnauthorizedError,
  EngineUnavailableError,
  JsonMessageError,
  engineApiError,
  isEngineApiError,
} from './errors.js';
export type { EngineApiError } from './errors.js';
export { FrameDecoder, STDERR, STDIN, STDOUT, SYSTEMERR, StreamSystemError, demuxStream, encodeFrame, writeWithBackpressure } from './stdcopy.js';
export type { FramePiece } from './stdcopy.js';
export { JsonValueSplitter, consumeJsonMessages, readJsonStream, throwIfJsonMessageError } from './json-stream.js';
export { Transport, encodeQuery } from './transport.js';
export type { EngineRequest, HijackedConnection, HttpMethod, QueryValue } from './transport.js';
export type * from './types.js';

// Public surface of pkg/compose: loading and checking compose projects, canonical output, the
// service graph, config hashes, the convergence planner, and (engine/) the driver that runs plans on
// an engine through pkg/client.

export { ComposeError, configError, exitCodeOf, type ComposeErrorKind, type ErrorLocation } from './errors.js';
export { loadProject, discoverComposeFiles, normalizeProjectName, DEFAULT_FILE_NAMES, DEFAULT_OVERRIDE_FILE_NAMES, type ProjectOptions } from './project.js';
export { runComposeConfig, renderProject, type ConfigCommandOptions } from './config.js';
export { nodeFileSystem, memoryFileSystem } from './fs.js';
export type { ComposeFileSystem } from './loader.js';
export { serviceConfigHash, resourceConfigHash } from './hash.js';
export {
  buildServiceGraph,
  findCycle,
  startLevels,
  startOrder,
  stopOrder,
  withDependencies,
  withDependents,
  dependentsOf,
  restartDependents,
  DependencyCycleError,
  type DependencyEdge,
  type ServiceGraph,
} from './graph.js';
export { substitute, TemplateError } from './template.js';
export { parseDotEnv } from './dotenv.js';
export { parseDuration, formatDuration, parseBytes } from './units.js';
export { parsePortSpec, parseVolumeSpec, parseShellWords } from './shortsyntax.js';
export {
  planConvergence,
  isNoop,
  isUpToDate,
  serviceScale,
  containerNumber,
  networkCreateRequest,
  volumeCreateRequest,
  type PlanAction,
  type PlanOptions,
  type ConvergencePlan,
  type ObservedContainer,
  type ObservedNetwork,
  type ObservedVolume,
  type ObservedState,
  type RecreateReason,
  type NetworkCreateRequest,
  type VolumeCreateRequest,
} from './plan.js';
export { predictObservedState } from './simulate.js';
export {
  buildContainerCreateRequest,
  containerLabels,
  networksByPriority,
  type CreateRequest,
  type CreateOptions,
  type ContainerCreateBody,
  type EndpointSettings,
  type FileInjection,
  type Mount,
} from './create.js';
export * from './labels.js';
export type * from './model.js';
export * from './engine/index.js';

// The container package: container records, lifecycle, exec, logs and their API views.
export { ContainerService, type WaitCondition, type RemoveOptions } from './service.js';
export { ExecService, type ExecConfig } from './exec.js';
export { ContainerStore } from './store.js';
export { ContainerHandle } from './handle.js';
export type { ContainerDeps, ImageAccess, RootfsAccess, NetworkHooks, VolumeHooks, NetworkSetup, MountSetup, ImageForContainer } from './deps.js';
export type { ContainerRecord, MountPoint } from './record.js';
export { nowTimestamp, formatTimestamp, parseTimestamp } from './record.js';
export type * from './types.js';
export type { ImageDefaults, HostLimits } from './create.js';
export { readLogs, parseUnixTimestamp, parseLogOptions, type LogEntry, type LogReadOptions } from './logs.js';
export { containerLogPath } from './lifecycle.js';
export { inspectView, summaryView, statusText, humanDuration, checkContainerFilters, matchesContainerFilters, type ViewContext, type Filters } from './views.js';
export { top, statsOnce } from './observe.js';
export { signalNumber } from './signals.js';
export { checkUpdateBody, planUpdate, type UpdateRequest, type UpdatePlan } from './update.js';
export { commitConfig, commitCreatedBy, mergeCommitConfig, withCommitPause } from './commit.js';

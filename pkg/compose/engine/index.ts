// The engine-facing half of compose (effects through pkg/client only, so it works against any
// Docker-compatible engine): observe, converge, wait, down, lifecycle, logs, one-off runs, progress.
export { createProgress, renderProgressFrame, resolveProgressMode, NO_PROGRESS, PROGRESS_MODES } from './progress.js';
export type { Progress, ProgressEvent, ProgressMode, ProgressStatus, ProgressStream, ProgressOptions, ProgressTask } from './progress.js';
export { Limiter, inDependencyOrder, settleAll, type Direction } from './parallel.js';
export { observeProject, observedState, listProjectContainers, summarizeProjects, byServiceAndNumber, summaryName, projectFilter } from './observe.js';
export type { ObservedProject, ProjectSummary } from './observe.js';
export { judgeContainer, waitForService, type ContainerRef, type Verdict, type WaitConditionName, type WaitOptions } from './wait.js';
export { injectionArchive, injectFiles } from './inject.js';
export { decideImage, ensureImages, pullImage, splitImageReference, type ImageBuilder, type EnsureImagesOptions, type PullDecision } from './images.js';
export { executePlan, planPhases, type ConvergeOptions, type ConvergeResult, type PlanPhases } from './converge.js';
export { composeUp, missingEnvironmentSource, servicesWithChangedImage, DEFAULT_PARALLEL, type UpContext, type UpOptions, type UpResult } from './up.js';
export { composeDown, graphFromLabels, planDown, type DownContext, type DownOptions, type DownPlan } from './down.js';
export { LineSplitter, LogPrinter, logName, streamContainerLogs, type LogPrinterOptions, type StreamLogsOptions } from './logs.js';
export { composeEach, composeRemove, composeRestart, composeStart, composeStop, removableContainers, type LifecycleContext, type Selection } from './lifecycle.js';
export { createOneOff, oneOffRequest, type OneOffRequest, type RunOverrides } from './oneoff.js';
export { buildRequestOptions, engineImageBuilder, type BuildSettings } from './build.js';

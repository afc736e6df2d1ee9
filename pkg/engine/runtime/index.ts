// The runtime package: OCI spec building, runc, the per-container monitor, cgroups.
export { Runtime } from './runtime.js';
export type { RuntimeOptions, ProcessPaths, StdioOptions, BeforeStart } from './runtime.js';
export { buildSpec, buildProcess, capabilitiesFromMask, DEFAULT_CAPABILITIES, ALL_CAPABILITIES, DEFAULT_PATH_ENV, CPU_PERIOD_US } from './spec.js';
export type { ContainerSpecInput, ProcessInput, ResourcesInput, NamespaceMode } from './spec.js';
export type { OciSpec, OciMount, OciProcess, OciRlimit, OciSeccomp } from './oci.js';
export { MonitorControl, StartError } from './monitor.js';
export type { AttachFlags, ExitRecord, MonitorState } from './monitor.js';
export { readCgroupLayout, detectCgroupLayout, hasSwapAccounting, parseNetDev } from './cgroups.js';
export type { CgroupLayout, CgroupStats } from './cgroups.js';
export { RuncError, version as runcVersion } from './runc.js';
export type { RuncUpdate } from './runc.js';

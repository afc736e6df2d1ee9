// Public surface of the distribution package: the engine's registry client (pull, push, login) over
// the OCI distribution API. Everything else in this directory is internal.
//
// service.ts resolves references and credentials and opens a RegistrySession (session.ts: scheme
// choice, Basic/Bearer challenges, redirects); pull.ts streams layers through digest checks into
// the ImageStore; push.ts uploads what the registry lacks (gzip-compressing uncompressed layers
// once, remembered in layer-map.ts) and writes a Docker v2 schema 2 manifest. hosts.ts (insecure
// registries), auth.ts (X-Registry-Auth, WWW-Authenticate), manifests.ts and progress.ts are pure.
export { Distribution, type DistributionOptions, type PullRequest, type PushRequest } from './service.js';
export { type AuthConfig, decodeRegistryAuth, normalizeAuth, parseChallenges } from './auth.js';
export { isInsecureRegistry, validateInsecureRegistry } from './hosts.js';
export type { ProgressMessage, ProgressSink } from './progress.js';

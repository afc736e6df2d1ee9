// Public surface of the build package: the Dockerfile builder behind POST /build, and the pure
// pieces other packages reuse (Dockerfile parsing, .dockerignore matching).
export { Builder, type BuildResult } from './builder.js';
export type { BuildOptions, BuilderDeps } from './session.js';
export { RunFailedError, type BuildOutput, type RunLimits } from './containers.js';
export { parseStages, parseTrigger, type Dockerfile, type Instruction, type Stage } from './instructions.js';
export { parseDockerfile, DockerfileParseError, type DockerfileNode, type ParsedDockerfile } from './parser.js';
export { parseDockerignore, isExcluded, type IgnorePattern } from '../../dockerignore/index.js';

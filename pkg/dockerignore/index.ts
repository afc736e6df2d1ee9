// .dockerignore matching (pure), shared by the builder (daemon) and the build-context packer (client).
export { parseDockerignore, isExcluded, type IgnorePattern } from './matcher.js';

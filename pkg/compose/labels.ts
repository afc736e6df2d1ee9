// Labels compose puts on the resources it creates (pure constants), the same keys docker compose v2
// uses so Berth and docker compose recognise each other's containers, networks and volumes.

export const LABEL_PROJECT = 'com.docker.compose.project';
export const LABEL_SERVICE = 'com.docker.compose.service';
export const LABEL_CONFIG_HASH = 'com.docker.compose.config-hash';
export const LABEL_CONTAINER_NUMBER = 'com.docker.compose.container-number';
export const LABEL_VOLUME = 'com.docker.compose.volume';
export const LABEL_NETWORK = 'com.docker.compose.network';
export const LABEL_WORKING_DIR = 'com.docker.compose.project.working_dir';
export const LABEL_CONFIG_FILES = 'com.docker.compose.project.config_files';
export const LABEL_ENVIRONMENT_FILE = 'com.docker.compose.project.environment_file';
export const LABEL_ONEOFF = 'com.docker.compose.oneoff';
export const LABEL_SLUG = 'com.docker.compose.slug';
export const LABEL_IMAGE_DIGEST = 'com.docker.compose.image';
export const LABEL_DEPENDS_ON = 'com.docker.compose.depends_on';
export const LABEL_VERSION = 'com.docker.compose.version';
export const LABEL_REPLACE = 'com.docker.compose.replace';

/**
 * Value of the version label. Docker compose writes its own release; tools only display it, so we
 * write the compose v2 release whose behaviour this package follows.
 */
export const COMPOSE_VERSION = '2.40.3';

/** Separator in generated names (`<project>-<service>-<n>`, `<project>-<service>` images). */
export const NAME_SEPARATOR = '-';

export function containerName(projectName: string, serviceName: string, number: number, explicitName?: string): string {
  if (explicitName !== undefined && explicitName !== '') return explicitName;
  return [projectName, serviceName, String(number)].join(NAME_SEPARATOR);
}

/** Image a service runs: its `image`, or `<project>-<service>` for a built image without one. */
export function serviceImageName(projectName: string, serviceName: string, image: string | undefined): string {
  return image !== undefined && image !== '' ? image : `${projectName}${NAME_SEPARATOR}${serviceName}`;
}

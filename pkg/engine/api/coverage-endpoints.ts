// Every endpoint of the Docker Engine API at version 1.50 (pure data), grouped as the API reference
// groups them. Written from the reference's path list; berthd's routes are matched against it by
// coverage.ts, so nothing here says what berthd implements.

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE';

export interface Endpoint {
  method: HttpMethod;
  /** Path as the reference writes it, parameters in braces: `/containers/{id}/json`. */
  path: string;
  summary: string;
}

export interface EndpointGroup {
  name: string;
  endpoints: readonly Endpoint[];
}

export const ENGINE_API_VERSION = '1.50';

const e = (method: HttpMethod, path: string, summary: string): Endpoint => ({ method, path, summary });

export const ENGINE_API_ENDPOINTS: readonly EndpointGroup[] = [
  {
    name: 'Containers',
    endpoints: [
      e('GET', '/containers/json', 'list containers'),
      e('POST', '/containers/create', 'create a container'),
      e('GET', '/containers/{id}/json', 'inspect a container'),
      e('GET', '/containers/{id}/top', 'list processes'),
      e('GET', '/containers/{id}/logs', 'logs'),
      e('GET', '/containers/{id}/changes', 'filesystem changes'),
      e('GET', '/containers/{id}/export', 'export the filesystem'),
      e('GET', '/containers/{id}/stats', 'resource usage statistics'),
      e('POST', '/containers/{id}/resize', 'resize the TTY'),
      e('POST', '/containers/{id}/start', 'start'),
      e('POST', '/containers/{id}/stop', 'stop'),
      e('POST', '/containers/{id}/restart', 'restart'),
      e('POST', '/containers/{id}/kill', 'kill'),
      e('POST', '/containers/{id}/update', 'update resources and restart policy'),
      e('POST', '/containers/{id}/rename', 'rename'),
      e('POST', '/containers/{id}/pause', 'pause'),
      e('POST', '/containers/{id}/unpause', 'unpause'),
      e('POST', '/containers/{id}/attach', 'attach (hijacked stream)'),
      e('GET', '/containers/{id}/attach/ws', 'attach over a websocket'),
      e('POST', '/containers/{id}/wait', 'wait for a condition'),
      e('DELETE', '/containers/{id}', 'remove'),
      e('HEAD', '/containers/{id}/archive', 'stat a path in the filesystem'),
      e('GET', '/containers/{id}/archive', 'get an archive of a path'),
      e('PUT', '/containers/{id}/archive', 'extract an archive into a path'),
      e('POST', '/containers/prune', 'delete stopped containers'),
    ],
  },
  {
    name: 'Exec',
    endpoints: [
      e('POST', '/containers/{id}/exec', 'create an exec instance'),
      e('POST', '/exec/{id}/start', 'start an exec instance (hijacked stream)'),
      e('POST', '/exec/{id}/resize', 'resize the exec TTY'),
      e('GET', '/exec/{id}/json', 'inspect an exec instance'),
    ],
  },
  {
    name: 'Images',
    endpoints: [
      e('GET', '/images/json', 'list images'),
      e('POST', '/images/create', 'pull or import an image'),
      e('GET', '/images/{name}/json', 'inspect an image'),
      e('GET', '/images/{name}/history', 'history'),
      e('POST', '/images/{name}/push', 'push'),
      e('POST', '/images/{name}/tag', 'tag'),
      e('DELETE', '/images/{name}', 'remove'),
      e('GET', '/images/search', 'search a registry index'),
      e('POST', '/images/prune', 'delete unused images'),
      e('POST', '/commit', 'create an image from a container'),
      e('GET', '/images/{name}/get', 'export an image'),
      e('GET', '/images/get', 'export several images'),
      e('POST', '/images/load', 'import images from a tarball'),
    ],
  },
  {
    name: 'Build',
    endpoints: [e('POST', '/build', 'build an image'), e('POST', '/build/prune', 'delete build cache')],
  },
  {
    name: 'System',
    endpoints: [
      e('POST', '/auth', 'check registry credentials'),
      e('GET', '/info', 'system information'),
      e('GET', '/version', 'version'),
      e('GET', '/_ping', 'ping'),
      e('HEAD', '/_ping', 'ping (headers only)'),
      e('GET', '/events', 'monitor events'),
      e('GET', '/system/df', 'data usage'),
    ],
  },
  {
    name: 'Networks',
    endpoints: [
      e('GET', '/networks', 'list networks'),
      e('GET', '/networks/{id}', 'inspect a network'),
      e('DELETE', '/networks/{id}', 'remove a network'),
      e('POST', '/networks/create', 'create a network'),
      e('POST', '/networks/{id}/connect', 'connect a container'),
      e('POST', '/networks/{id}/disconnect', 'disconnect a container'),
      e('POST', '/networks/prune', 'delete unused networks'),
    ],
  },
  {
    name: 'Volumes',
    endpoints: [
      e('GET', '/volumes', 'list volumes'),
      e('POST', '/volumes/create', 'create a volume'),
      e('GET', '/volumes/{name}', 'inspect a volume'),
      e('PUT', '/volumes/{name}', 'update a cluster volume'),
      e('DELETE', '/volumes/{name}', 'remove a volume'),
      e('POST', '/volumes/prune', 'delete unused volumes'),
    ],
  },
  {
    name: 'Distribution',
    endpoints: [e('GET', '/distribution/{name}/json', 'image digest and platforms from the registry')],
  },
  {
    name: 'Session',
    endpoints: [e('POST', '/session', 'interactive session (BuildKit)')],
  },
  {
    name: 'Swarm',
    endpoints: [
      e('GET', '/swarm', 'inspect the swarm'),
      e('POST', '/swarm/init', 'initialize a swarm'),
      e('POST', '/swarm/join', 'join a swarm'),
      e('POST', '/swarm/leave', 'leave the swarm'),
      e('POST', '/swarm/update', 'update the swarm'),
      e('GET', '/swarm/unlockkey', 'get the unlock key'),
      e('POST', '/swarm/unlock', 'unlock a locked manager'),
    ],
  },
  {
    name: 'Nodes',
    endpoints: [
      e('GET', '/nodes', 'list nodes'),
      e('GET', '/nodes/{id}', 'inspect a node'),
      e('DELETE', '/nodes/{id}', 'remove a node'),
      e('POST', '/nodes/{id}/update', 'update a node'),
    ],
  },
  {
    name: 'Services',
    endpoints: [
      e('GET', '/services', 'list services'),
      e('POST', '/services/create', 'create a service'),
      e('GET', '/services/{id}', 'inspect a service'),
      e('DELETE', '/services/{id}', 'remove a service'),
      e('POST', '/services/{id}/update', 'update a service'),
      e('GET', '/services/{id}/logs', 'service logs'),
    ],
  },
  {
    name: 'Tasks',
    endpoints: [e('GET', '/tasks', 'list tasks'), e('GET', '/tasks/{id}', 'inspect a task'), e('GET', '/tasks/{id}/logs', 'task logs')],
  },
  {
    name: 'Secrets',
    endpoints: [
      e('GET', '/secrets', 'list secrets'),
      e('POST', '/secrets/create', 'create a secret'),
      e('GET', '/secrets/{id}', 'inspect a secret'),
      e('DELETE', '/secrets/{id}', 'remove a secret'),
      e('POST', '/secrets/{id}/update', 'update a secret'),
    ],
  },
  {
    name: 'Configs',
    endpoints: [
      e('GET', '/configs', 'list configs'),
      e('POST', '/configs/create', 'create a config'),
      e('GET', '/configs/{id}', 'inspect a config'),
      e('DELETE', '/configs/{id}', 'remove a config'),
      e('POST', '/configs/{id}/update', 'update a config'),
    ],
  },
  {
    name: 'Plugins',
    endpoints: [
      e('GET', '/plugins', 'list plugins'),
      e('GET', '/plugins/privileges', 'privileges a plugin asks for'),
      e('POST', '/plugins/pull', 'install a plugin'),
      e('GET', '/plugins/{name}/json', 'inspect a plugin'),
      e('DELETE', '/plugins/{name}', 'remove a plugin'),
      e('POST', '/plugins/{name}/enable', 'enable a plugin'),
      e('POST', '/plugins/{name}/disable', 'disable a plugin'),
      e('POST', '/plugins/{name}/upgrade', 'upgrade a plugin'),
      e('POST', '/plugins/create', 'create a plugin'),
      e('POST', '/plugins/{name}/push', 'push a plugin'),
      e('POST', '/plugins/{name}/set', 'configure a plugin'),
    ],
  },
];

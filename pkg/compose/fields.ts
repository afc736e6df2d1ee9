// The shape of the normalised compose model (pure data): every struct of the model with its fields
// in the order docker compose v2 prints them (compose-go v2.9 struct order), each field's kind and
// its omit rules for YAML and JSON output. Decoding, canonical output and hashing are driven by it.

export type Kind =
  | 'string'
  | 'bool'
  | 'int'
  | 'float32'
  | 'bytes'
  | 'duration'
  | 'strings'
  | 'stringList'
  | 'stringOrNumberList'
  | 'mapping'
  | 'labels'
  | 'options'
  | 'mappingEquals'
  | 'multiOptions'
  | 'hostsList'
  | 'command'
  | 'healthTest'
  | 'fileMode'
  | 'deviceCount'
  | 'ulimits'
  | 'ssh'
  | 'envFiles'
  | 'any'
  | { readonly struct: string }
  | { readonly list: string }
  | { readonly map: string }
  | { readonly mapNullable: string };

export interface Field {
  readonly key: string;
  readonly kind: Kind;
  /** Go pointer field: omitted only when absent, printed even when zero. */
  readonly ptr?: boolean;
  /** Printed in YAML even when empty (no omitempty tag). */
  readonly yamlAlways?: boolean;
  /** Printed in JSON even when empty. */
  readonly jsonAlways?: boolean;
  /** Not part of the JSON form. */
  readonly jsonSkip?: boolean;
  /** JSON key when it differs (fields without json tags print Go field names). */
  readonly jsonKey?: string;
}

export interface StructShape {
  readonly fields: readonly Field[];
  /** Whether `x-` keys are kept (inline Extensions field). */
  readonly extensions: boolean;
}

const f = (key: string, kind: Kind, extra: Partial<Field> = {}): Field => ({ key, kind, ...extra });
const s = (name: string): Kind => ({ struct: name });
const list = (name: string): Kind => ({ list: name });

const shape = (fields: Field[], extensions = true): StructShape => ({ fields, extensions });

const updateConfig = shape([
  f('parallelism', 'int', { ptr: true }),
  f('delay', 'duration'),
  f('failure_action', 'string'),
  f('monitor', 'duration'),
  f('max_failure_ratio', 'float32'),
  f('order', 'string'),
]);

const fileReference = shape([f('source', 'string'), f('target', 'string'), f('uid', 'string'), f('gid', 'string'), f('mode', 'fileMode', { ptr: true })]);

const fileObject = shape([
  f('name', 'string'),
  f('file', 'string'),
  f('environment', 'string'),
  f('content', 'string'),
  f('external', 'bool'),
  f('labels', 'labels'),
  f('driver', 'string'),
  f('driver_opts', 'options'),
  f('template_driver', 'string'),
]);

const serviceHook = shape([f('command', 'command', { jsonAlways: true }), f('user', 'string'), f('privileged', 'bool'), f('working_dir', 'string'), f('environment', 'mappingEquals')]);

const deviceRequest = shape(
  [f('capabilities', 'strings'), f('driver', 'string'), f('count', 'deviceCount'), f('device_ids', 'strings'), f('options', 'mapping')],
  false,
);

export const SHAPES: Readonly<Record<string, StructShape>> = {
  project: shape([
    f('name', 'string'),
    f('services', { map: 'service' }, { yamlAlways: true, jsonAlways: true }),
    f('networks', { map: 'network' }),
    f('volumes', { map: 'volume' }),
    f('secrets', { map: 'secret' }),
    f('configs', { map: 'config' }),
    f('models', { map: 'model' }, { jsonSkip: true }),
  ]),
  service: shape([
    f('profiles', 'strings'),
    f('annotations', 'mapping'),
    f('attach', 'bool', { ptr: true }),
    f('build', s('build'), { ptr: true }),
    f('develop', s('develop'), { ptr: true }),
    f('blkio_config', s('blkio'), { ptr: true }),
    f('cap_add', 'strings'),
    f('cap_drop', 'strings'),
    f('cgroup_parent', 'string'),
    f('cgroup', 'string'),
    f('cpu_count', 'int'),
    f('cpu_percent', 'float32'),
    f('cpu_period', 'int'),
    f('cpu_quota', 'int'),
    f('cpu_rt_period', 'int'),
    f('cpu_rt_runtime', 'int'),
    f('cpus', 'float32'),
    f('cpuset', 'string'),
    f('cpu_shares', 'int'),
    f('command', 'command', { jsonAlways: true }),
    f('configs', list('fileReference')),
    f('container_name', 'string'),
    f('credential_spec', s('credentialSpec'), { ptr: true }),
    f('depends_on', { map: 'dependency' }),
    f('deploy', s('deploy'), { ptr: true }),
    f('device_cgroup_rules', 'strings'),
    f('devices', list('device')),
    f('dns', 'stringList'),
    f('dns_opt', 'strings'),
    f('dns_search', 'stringList'),
    f('dockerfile', 'string'),
    f('domainname', 'string'),
    f('entrypoint', 'command', { jsonAlways: true }),
    f('provider', s('provider'), { ptr: true }),
    f('environment', 'mappingEquals'),
    f('env_file', 'envFiles'),
    f('expose', 'stringOrNumberList'),
    f('extends', s('extends'), { ptr: true }),
    f('external_links', 'strings'),
    f('extra_hosts', 'hostsList'),
    f('group_add', 'strings'),
    f('gpus', list('deviceRequest')),
    f('hostname', 'string'),
    f('healthcheck', s('healthcheck'), { ptr: true }),
    f('image', 'string'),
    f('init', 'bool', { ptr: true }),
    f('ipc', 'string'),
    f('isolation', 'string'),
    f('labels', 'labels'),
    f('label_file', 'strings'),
    f('links', 'strings'),
    f('logging', s('logging'), { ptr: true }),
    f('log_driver', 'string'),
    f('log_opt', 'options'),
    f('mem_limit', 'bytes'),
    f('mem_reservation', 'bytes'),
    f('memswap_limit', 'bytes'),
    f('mem_swappiness', 'bytes'),
    f('mac_address', 'string'),
    f('models', { mapNullable: 'serviceModel' }),
    f('net', 'string'),
    f('network_mode', 'string'),
    f('networks', { mapNullable: 'serviceNetwork' }),
    f('oom_kill_disable', 'bool'),
    f('oom_score_adj', 'int'),
    f('pid', 'string'),
    f('pids_limit', 'int'),
    f('platform', 'string'),
    f('ports', list('port')),
    f('privileged', 'bool'),
    f('pull_policy', 'string'),
    f('read_only', 'bool'),
    f('restart', 'string'),
    f('runtime', 'string'),
    f('scale', 'int', { ptr: true }),
    f('secrets', list('fileReference')),
    f('security_opt', 'strings'),
    f('shm_size', 'bytes'),
    f('stdin_open', 'bool'),
    f('stop_grace_period', 'duration', { ptr: true }),
    f('stop_signal', 'string'),
    f('storage_opt', 'options'),
    f('sysctls', 'mapping'),
    f('tmpfs', 'stringList'),
    f('tty', 'bool'),
    f('ulimits', 'ulimits'),
    f('use_api_socket', 'bool'),
    f('user', 'string'),
    f('userns_mode', 'string'),
    f('uts', 'string'),
    f('volume_driver', 'string'),
    f('volumes', list('serviceVolume')),
    f('volumes_from', 'strings'),
    f('working_dir', 'string'),
    f('post_start', list('serviceHook')),
    f('pre_stop', list('serviceHook')),
  ]),
  provider: shape([f('type', 'string'), f('options', 'multiOptions')]),
  build: shape([
    f('context', 'string'),
    f('dockerfile', 'string'),
    f('dockerfile_inline', 'string'),
    f('entitlements', 'strings'),
    f('args', 'mappingEquals'),
    f('provenance', 'string'),
    f('sbom', 'string'),
    f('ssh', 'ssh'),
    f('labels', 'labels'),
    f('cache_from', 'stringList'),
    f('cache_to', 'stringList'),
    f('no_cache', 'bool'),
    f('additional_contexts', 'mapping'),
    f('pull', 'bool'),
    f('extra_hosts', 'hostsList'),
    f('isolation', 'string'),
    f('network', 'string'),
    f('target', 'string'),
    f('secrets', list('fileReference')),
    f('shm_size', 'bytes'),
    f('tags', 'stringList'),
    f('ulimits', 'ulimits'),
    f('platforms', 'stringList'),
    f('privileged', 'bool'),
  ]),
  blkio: shape([
    f('weight', 'int'),
    f('weight_device', list('weightDevice')),
    f('device_read_bps', list('throttleDevice')),
    f('device_read_iops', list('throttleDevice')),
    f('device_write_bps', list('throttleDevice')),
    f('device_write_iops', list('throttleDevice')),
  ]),
  weightDevice: shape([f('path', 'string', { yamlAlways: true, jsonAlways: true, jsonKey: 'Path' }), f('weight', 'int', { yamlAlways: true, jsonAlways: true, jsonKey: 'Weight' })]),
  throttleDevice: shape([f('path', 'string', { yamlAlways: true, jsonAlways: true, jsonKey: 'Path' }), f('rate', 'bytes', { yamlAlways: true, jsonAlways: true, jsonKey: 'Rate' })]),
  device: shape([f('source', 'string'), f('target', 'string'), f('permissions', 'string')]),
  logging: shape([f('driver', 'string'), f('options', 'options')]),
  deploy: shape([
    f('mode', 'string'),
    f('replicas', 'int', { ptr: true }),
    f('labels', 'labels'),
    f('update_config', s('updateConfig'), { ptr: true }),
    f('rollback_config', s('updateConfig'), { ptr: true }),
    f('resources', s('resources')),
    f('restart_policy', s('restartPolicy'), { ptr: true }),
    f('placement', s('placement')),
    f('endpoint_mode', 'string'),
  ]),
  updateConfig,
  resources: shape([f('limits', s('resource'), { ptr: true }), f('reservations', s('resource'), { ptr: true })]),
  resource: shape([f('cpus', 'float32'), f('memory', 'bytes'), f('pids', 'int'), f('devices', list('deviceRequest')), f('generic_resources', list('genericResource'))]),
  genericResource: shape([f('discrete_resource_spec', s('discreteResource'), { ptr: true })]),
  discreteResource: shape([f('kind', 'string', { yamlAlways: true, jsonAlways: true }), f('value', 'int', { yamlAlways: true, jsonAlways: true })]),
  restartPolicy: shape([f('condition', 'string'), f('delay', 'duration', { ptr: true }), f('max_attempts', 'int', { ptr: true }), f('window', 'duration', { ptr: true })]),
  placement: shape([f('constraints', 'strings'), f('preferences', list('placementPreference')), f('max_replicas_per_node', 'int')]),
  placementPreference: shape([f('spread', 'string')]),
  serviceNetwork: shape([
    f('aliases', 'strings'),
    f('driver_opts', 'options'),
    f('gw_priority', 'int'),
    f('interface_name', 'string'),
    f('ipv4_address', 'string'),
    f('ipv6_address', 'string'),
    f('link_local_ips', 'strings'),
    f('mac_address', 'string'),
    f('priority', 'int'),
  ]),
  serviceModel: shape([f('endpoint_var', 'string'), f('model_var', 'string')]),
  port: shape([
    f('name', 'string'),
    f('mode', 'string'),
    f('host_ip', 'string'),
    f('target', 'int'),
    f('published', 'string'),
    f('protocol', 'string'),
    f('app_protocol', 'string'),
  ]),
  serviceVolume: shape([
    f('type', 'string'),
    f('source', 'string'),
    f('target', 'string'),
    f('read_only', 'bool'),
    f('consistency', 'string'),
    f('bind', s('volumeBind'), { ptr: true }),
    f('volume', s('volumeVolume'), { ptr: true }),
    f('tmpfs', s('volumeTmpfs'), { ptr: true }),
    f('image', s('volumeImage'), { ptr: true }),
  ]),
  volumeBind: shape([f('selinux', 'string'), f('propagation', 'string'), f('create_host_path', 'bool'), f('recursive', 'string')]),
  volumeVolume: shape([f('labels', 'mapping'), f('nocopy', 'bool'), f('subpath', 'string')]),
  volumeTmpfs: shape([f('size', 'bytes'), f('mode', 'int')]),
  volumeImage: shape([f('subpath', 'string')]),
  fileReference,
  credentialSpec: shape([f('config', 'string'), f('file', 'string'), f('registry', 'string')]),
  dependency: shape([f('condition', 'string'), f('restart', 'bool'), f('required', 'bool', { yamlAlways: true, jsonAlways: true })]),
  extends: shape([f('file', 'string'), f('service', 'string')], false),
  healthcheck: shape([
    f('test', 'healthTest'),
    f('timeout', 'duration', { ptr: true }),
    f('interval', 'duration', { ptr: true }),
    f('retries', 'int', { ptr: true }),
    f('start_period', 'duration', { ptr: true }),
    f('start_interval', 'duration', { ptr: true }),
    f('disable', 'bool'),
  ]),
  develop: shape([f('watch', list('trigger'))]),
  trigger: shape([
    f('path', 'string', { yamlAlways: true, jsonAlways: true }),
    f('action', 'string', { yamlAlways: true, jsonAlways: true }),
    f('target', 'string'),
    f('exec', s('serviceHook')),
    f('include', 'strings'),
    f('ignore', 'strings'),
    f('initial_sync', 'bool'),
  ]),
  serviceHook,
  deviceRequest,
  network: shape([
    f('name', 'string'),
    f('driver', 'string'),
    f('driver_opts', 'options'),
    f('ipam', s('ipam')),
    f('external', 'bool'),
    f('internal', 'bool'),
    f('attachable', 'bool'),
    f('labels', 'labels'),
    f('enable_ipv4', 'bool', { ptr: true }),
    f('enable_ipv6', 'bool', { ptr: true }),
  ]),
  ipam: shape([f('driver', 'string'), f('config', list('ipamPool')), f('options', 'options')]),
  ipamPool: shape([f('subnet', 'string'), f('gateway', 'string'), f('ip_range', 'string'), f('aux_addresses', 'mapping')]),
  volume: shape([f('name', 'string'), f('driver', 'string'), f('driver_opts', 'options'), f('external', 'bool'), f('labels', 'labels')]),
  secret: fileObject,
  config: fileObject,
  model: shape([f('name', 'string'), f('model', 'string'), f('context_size', 'int'), f('runtime_flags', 'strings')]),
};

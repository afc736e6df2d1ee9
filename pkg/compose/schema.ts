// Berth's JSON schema for compose files (pure data), written from the compose specification's
// documented keys and types. Keys outside the spec are errors except `x-` extensions. Alternatives
// are expressed with type unions rather than oneOf wherever the JSON-schema keywords allow it, so
// that validation errors point at the one thing that is wrong.

type Schema = Record<string, unknown>;

const x = { '^x-': {} };
/** An object with the given properties, nothing else except `x-` keys. */
const obj = (properties: Schema, extra: Schema = {}): Schema => ({ type: 'object', properties, additionalProperties: false, patternProperties: x, ...extra });

const str: Schema = { type: 'string' };
const bool: Schema = { type: ['boolean', 'string'] };
const int: Schema = { type: ['integer', 'string'] };
const num: Schema = { type: ['number', 'string'] };
const duration: Schema = { type: 'string' };
const strings: Schema = { type: 'array', items: str };
const uniqueStrings: Schema = { type: 'array', items: str, uniqueItems: true };
const stringOrList: Schema = { type: ['string', 'array'], items: str, uniqueItems: true };
const listOrDict: Schema = {
  type: ['object', 'array'],
  patternProperties: { '.+': { type: ['string', 'number', 'boolean', 'null'] } },
  additionalProperties: false,
  items: str,
  uniqueItems: true,
};
const options: Schema = { type: 'object', patternProperties: { '^.+$': { type: ['string', 'number', 'null'] } }, additionalProperties: false };
const extraHosts: Schema = {
  type: ['object', 'array'],
  patternProperties: { '.+': { type: ['string', 'array'], items: str } },
  additionalProperties: false,
  items: str,
  uniqueItems: true,
};
const command: Schema = { type: ['null', 'string', 'array'], items: str };
const NAME = '^[a-zA-Z0-9._-]+$';

const fileReference: Schema = { type: ['string', 'object'], properties: { source: str, target: str, uid: str, gid: str, mode: num }, additionalProperties: false, patternProperties: x };
const fileReferences: Schema = { type: 'array', items: fileReference };

const ulimits: Schema = {
  type: 'object',
  patternProperties: {
    '^[a-z]+$': { type: ['integer', 'string', 'object'], properties: { hard: int, soft: int }, required: ['soft', 'hard'], additionalProperties: false, patternProperties: x },
  },
  additionalProperties: false,
};

const serviceHook = obj({ command, user: str, privileged: bool, working_dir: str, environment: listOrDict }, { required: ['command'] });

const deviceRequest = obj({ capabilities: uniqueStrings, count: int, device_ids: uniqueStrings, driver: str, options: listOrDict });

const blkioLimit = obj({ path: str, rate: int });
const blkioWeight = obj({ path: str, weight: int });

const build: Schema = {
  type: ['string', 'object'],
  properties: {
    context: str,
    dockerfile: str,
    dockerfile_inline: str,
    entitlements: strings,
    args: listOrDict,
    ssh: listOrDict,
    labels: listOrDict,
    cache_from: strings,
    cache_to: strings,
    no_cache: bool,
    no_cache_filter: stringOrList,
    additional_contexts: listOrDict,
    network: str,
    provenance: { type: ['string', 'boolean'] },
    sbom: { type: ['string', 'boolean'] },
    pull: bool,
    target: str,
    shm_size: int,
    extra_hosts: extraHosts,
    isolation: str,
    privileged: bool,
    secrets: fileReferences,
    tags: strings,
    ulimits,
    platforms: strings,
  },
  additionalProperties: false,
  patternProperties: x,
};

const updateConfig = obj({ parallelism: int, delay: duration, failure_action: str, monitor: duration, max_failure_ratio: num, order: { type: 'string', enum: ['start-first', 'stop-first'] } });

const deploy: Schema = obj(
  {
    mode: str,
    endpoint_mode: str,
    replicas: int,
    labels: listOrDict,
    rollback_config: updateConfig,
    update_config: updateConfig,
    resources: obj({
      limits: obj({ cpus: num, memory: { type: ['string', 'integer'] }, pids: int }),
      reservations: obj({
        cpus: num,
        memory: { type: ['string', 'integer'] },
        generic_resources: { type: 'array', items: obj({ discrete_resource_spec: obj({ kind: str, value: num }) }) },
        devices: { type: 'array', items: deviceRequest },
      }),
    }),
    restart_policy: obj({ condition: str, delay: duration, max_attempts: int, window: duration }),
    placement: obj({ constraints: strings, preferences: { type: 'array', items: obj({ spread: str }) }, max_replicas_per_node: int }),
  },
  { type: ['object', 'null'] },
);

const healthcheck = obj({
  disable: bool,
  interval: duration,
  retries: num,
  test: { type: ['string', 'array'], items: str },
  timeout: duration,
  start_period: duration,
  start_interval: duration,
});

const develop = obj(
  {
    watch: {
      type: 'array',
      items: obj(
        {
          ignore: stringOrList,
          include: stringOrList,
          path: str,
          action: { type: 'string', enum: ['rebuild', 'sync', 'restart', 'sync+restart', 'sync+exec'] },
          target: str,
          exec: serviceHook,
          initial_sync: bool,
        },
        { required: ['path', 'action'] },
      ),
    },
  },
  { type: ['object', 'null'] },
);

const servicePort: Schema = {
  type: ['number', 'string', 'object'],
  properties: { name: str, mode: str, host_ip: str, target: int, published: { type: ['string', 'integer'] }, protocol: str, app_protocol: str },
  additionalProperties: false,
  patternProperties: x,
};

const serviceVolume: Schema = {
  type: ['string', 'object'],
  required: ['type'],
  properties: {
    type: { type: 'string', enum: ['bind', 'volume', 'tmpfs', 'cluster', 'npipe', 'image'] },
    source: str,
    target: str,
    read_only: bool,
    consistency: str,
    bind: obj({ propagation: str, create_host_path: bool, recursive: { type: 'string', enum: ['enabled', 'disabled', 'writable', 'readonly'] }, selinux: { type: 'string', enum: ['z', 'Z'] } }),
    volume: obj({ labels: listOrDict, nocopy: bool, subpath: str }),
    tmpfs: obj({ size: { type: ['integer', 'string'], minimum: 0 }, mode: num }),
    image: obj({ subpath: str }),
  },
  additionalProperties: false,
  patternProperties: x,
};

const serviceNetworks: Schema = {
  type: ['array', 'object'],
  items: str,
  uniqueItems: true,
  patternProperties: {
    [NAME]: {
      type: ['object', 'null'],
      properties: {
        aliases: uniqueStrings,
        interface_name: str,
        ipv4_address: str,
        ipv6_address: str,
        link_local_ips: uniqueStrings,
        mac_address: str,
        driver_opts: options,
        priority: { type: 'number' },
        gw_priority: { type: 'number' },
      },
      additionalProperties: false,
      patternProperties: x,
    },
  },
  additionalProperties: false,
};

const dependsOn: Schema = {
  type: ['array', 'object'],
  items: str,
  uniqueItems: true,
  patternProperties: {
    [NAME]: obj(
      { restart: bool, required: bool, condition: { type: 'string', enum: ['service_started', 'service_healthy', 'service_completed_successfully'] } },
      { required: ['condition'] },
    ),
  },
  additionalProperties: false,
};

const service: Schema = obj({
  develop,
  deploy,
  annotations: listOrDict,
  attach: bool,
  build,
  blkio_config: obj({
    device_read_bps: { type: 'array', items: blkioLimit },
    device_read_iops: { type: 'array', items: blkioLimit },
    device_write_bps: { type: 'array', items: blkioLimit },
    device_write_iops: { type: 'array', items: blkioLimit },
    weight: int,
    weight_device: { type: 'array', items: blkioWeight },
  }),
  cap_add: uniqueStrings,
  cap_drop: uniqueStrings,
  cgroup: { type: 'string', enum: ['host', 'private'] },
  cgroup_parent: str,
  command,
  configs: fileReferences,
  container_name: { type: 'string', pattern: '^[a-zA-Z0-9][a-zA-Z0-9_.-]+$' },
  cpu_count: { type: ['string', 'integer'], minimum: 0 },
  cpu_percent: { type: ['string', 'integer'], minimum: 0, maximum: 100 },
  cpu_shares: num,
  cpu_quota: num,
  cpu_period: num,
  cpu_rt_period: num,
  cpu_rt_runtime: num,
  cpus: num,
  cpuset: str,
  credential_spec: obj({ config: str, file: str, registry: str }),
  depends_on: dependsOn,
  device_cgroup_rules: uniqueStrings,
  devices: { type: 'array', items: { type: ['string', 'object'], required: ['source'], properties: { source: str, target: str, permissions: str }, additionalProperties: false, patternProperties: x } },
  dns: stringOrList,
  dns_opt: uniqueStrings,
  dns_search: stringOrList,
  domainname: str,
  entrypoint: command,
  env_file: {
    type: ['string', 'array'],
    items: { type: ['string', 'object'], properties: { path: str, format: str, required: bool }, required: ['path'], additionalProperties: false },
  },
  label_file: { type: ['string', 'array'], items: str },
  environment: listOrDict,
  expose: { type: 'array', items: { type: ['string', 'number'] }, uniqueItems: true },
  extends: { type: ['string', 'object'], properties: { service: str, file: str }, required: ['service'], additionalProperties: false },
  provider: obj({ type: str, options: { type: 'object', patternProperties: { '^.+$': { type: ['string', 'number', 'boolean', 'array'], items: { type: ['string', 'number', 'boolean'] } } } } }, { required: ['type'] }),
  external_links: uniqueStrings,
  extra_hosts: extraHosts,
  gpus: { anyOf: [{ type: 'string', enum: ['all'] }, { type: 'array', items: deviceRequest }] },
  group_add: { type: 'array', items: { type: ['string', 'number'] }, uniqueItems: true },
  healthcheck,
  hostname: str,
  image: str,
  init: bool,
  ipc: str,
  isolation: str,
  labels: listOrDict,
  links: uniqueStrings,
  logging: obj({ driver: str, options }),
  mac_address: str,
  mem_limit: num,
  mem_reservation: { type: ['string', 'integer'] },
  mem_swappiness: { type: ['integer', 'string'] },
  memswap_limit: num,
  network_mode: str,
  models: {
    type: ['array', 'object'],
    items: str,
    uniqueItems: true,
    patternProperties: { [NAME]: { type: ['object', 'null'], properties: { endpoint_var: str, model_var: str }, additionalProperties: false, patternProperties: x } },
  },
  networks: serviceNetworks,
  oom_kill_disable: bool,
  oom_score_adj: { type: ['string', 'integer'], minimum: -1000, maximum: 1000 },
  pid: { type: ['string', 'null'] },
  pids_limit: num,
  platform: str,
  ports: { type: 'array', items: servicePort, uniqueItems: true },
  post_start: { type: 'array', items: serviceHook },
  pre_stop: { type: 'array', items: serviceHook },
  privileged: bool,
  profiles: uniqueStrings,
  pull_policy: { type: 'string', pattern: '^(always|never|build|if_not_present|missing|refresh|daily|weekly|every_([0-9]+[wdhms])+)$' },
  pull_refresh_after: str,
  read_only: bool,
  restart: str,
  runtime: str,
  scale: int,
  security_opt: uniqueStrings,
  shm_size: num,
  secrets: fileReferences,
  sysctls: listOrDict,
  stdin_open: bool,
  stop_grace_period: duration,
  stop_signal: str,
  storage_opt: { type: 'object' },
  tmpfs: stringOrList,
  tty: bool,
  ulimits,
  use_api_socket: { type: 'boolean' },
  user: str,
  uts: str,
  userns_mode: str,
  volumes: { type: 'array', items: serviceVolume, uniqueItems: true },
  volumes_from: uniqueStrings,
  working_dir: str,
});

const external: Schema = { type: ['boolean', 'string', 'object'], properties: { name: str }, additionalProperties: false, patternProperties: x };

const network = obj(
  {
    name: str,
    driver: str,
    driver_opts: options,
    ipam: obj({
      driver: str,
      config: { type: 'array', items: obj({ subnet: str, ip_range: str, gateway: str, aux_addresses: { type: 'object', patternProperties: { '^.+$': str }, additionalProperties: false } }) },
      options: { type: 'object', patternProperties: { '^.+$': str }, additionalProperties: false },
    }),
    external,
    internal: bool,
    enable_ipv4: bool,
    enable_ipv6: bool,
    attachable: bool,
    labels: listOrDict,
  },
  { type: ['object', 'null'] },
);

const volume = obj({ name: str, driver: str, driver_opts: options, external, labels: listOrDict }, { type: ['object', 'null'] });

const secret = obj({ name: str, environment: str, file: str, external, labels: listOrDict, driver: str, driver_opts: options, template_driver: str });
const config = obj({ name: str, content: str, environment: str, file: str, external, labels: listOrDict, template_driver: str });
const model = obj({ name: str, model: str, context_size: { type: 'integer' }, runtime_flags: strings }, { required: ['model'] });

const include: Schema = { type: ['string', 'object'], properties: { path: stringOrList, env_file: stringOrList, project_directory: str }, additionalProperties: false };

const named = (schema: Schema): Schema => ({ type: 'object', patternProperties: { [NAME]: schema }, additionalProperties: false });

/** The whole compose file. */
export const COMPOSE_SCHEMA: Schema = {
  $id: 'https://berth.dev/schemas/compose.json',
  type: 'object',
  properties: {
    version: str,
    name: { type: 'string' },
    include: { type: 'array', items: include },
    services: named(service),
    models: named(model),
    networks: named(network),
    volumes: named(volume),
    secrets: named(secret),
    configs: named(config),
  },
  additionalProperties: false,
  patternProperties: x,
};

/** The ajv options the schema is compiled with (ahead of time, into schema-validator.generated.ts). */
export const VALIDATOR_OPTIONS = { allErrors: false, strict: false, allowUnionTypes: true } as const;

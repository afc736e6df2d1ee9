// JSON schemas of request bodies the API validates at the edge (ajv, compiled once). Types are
// checked here so engine code only sees well-formed values; errors name the field at fault with
// a JSON pointer, like `invalid JSON body: /HostConfig/Memory must be integer`.

import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { InvalidArgumentError } from '../../errdefs/index.js';

const stringArray = { type: ['array', 'null'], items: { type: 'string' } } as const;
/** Docker's StrSlice: a string or a list of strings. */
const strSlice = { type: ['array', 'string', 'null'], items: { type: 'string' } } as const;
const stringMap = { type: ['object', 'null'], additionalProperties: { type: 'string' } } as const;
const emptyObjectMap = { type: ['object', 'null'], additionalProperties: { type: 'object' } } as const;
const int = { type: 'integer' } as const;
const intOrNull = { type: ['integer', 'null'] } as const;
const bool = { type: ['boolean', 'null'] } as const;
const str = { type: ['string', 'null'] } as const;

const healthcheck = {
  type: ['object', 'null'],
  properties: {
    Test: strSlice,
    Interval: int,
    Timeout: int,
    Retries: int,
    StartPeriod: int,
    StartInterval: int,
  },
} as const;

const mount = {
  type: 'object',
  required: ['Target'],
  properties: {
    Type: { enum: ['bind', 'volume', 'tmpfs', 'npipe', 'cluster', 'image'] },
    Source: str,
    Target: { type: 'string' },
    ReadOnly: bool,
    Consistency: str,
    BindOptions: { type: ['object', 'null'] },
    VolumeOptions: { type: ['object', 'null'] },
    TmpfsOptions: { type: ['object', 'null'], properties: { SizeBytes: int, Mode: int } },
  },
} as const;

const hostConfig = {
  type: ['object', 'null'],
  properties: {
    Binds: stringArray,
    LogConfig: { type: ['object', 'null'], properties: { Type: str, Config: stringMap } },
    NetworkMode: str,
    PortBindings: {
      type: ['object', 'null'],
      additionalProperties: {
        type: ['array', 'null'],
        items: { type: 'object', properties: { HostIp: str, HostPort: str } },
      },
    },
    RestartPolicy: { type: ['object', 'null'], properties: { Name: str, MaximumRetryCount: int } },
    AutoRemove: bool,
    VolumesFrom: stringArray,
    ConsoleSize: { type: ['array', 'null'], items: int, maxItems: 2 },
    CapAdd: strSlice,
    CapDrop: strSlice,
    Dns: stringArray,
    DnsOptions: stringArray,
    DnsSearch: stringArray,
    ExtraHosts: stringArray,
    GroupAdd: stringArray,
    IpcMode: str,
    Links: stringArray,
    OomScoreAdj: int,
    PidMode: str,
    Privileged: bool,
    PublishAllPorts: bool,
    ReadonlyRootfs: bool,
    SecurityOpt: stringArray,
    Tmpfs: stringMap,
    UTSMode: str,
    ShmSize: int,
    Sysctls: stringMap,
    Runtime: str,
    CpuShares: int,
    Memory: int,
    NanoCpus: int,
    CgroupParent: str,
    BlkioWeight: int,
    CpuPeriod: int,
    CpuQuota: int,
    CpusetCpus: str,
    CpusetMems: str,
    MemoryReservation: int,
    MemorySwap: int,
    MemorySwappiness: intOrNull,
    OomKillDisable: bool,
    PidsLimit: intOrNull,
    Ulimits: {
      type: ['array', 'null'],
      items: { type: 'object', required: ['Name'], properties: { Name: { type: 'string' }, Soft: int, Hard: int } },
    },
    Mounts: { type: ['array', 'null'], items: mount },
    Init: bool,
    MaskedPaths: stringArray,
    ReadonlyPaths: stringArray,
  },
} as const;

export const containerCreateSchema = {
  type: 'object',
  properties: {
    Hostname: str,
    Domainname: str,
    User: str,
    AttachStdin: bool,
    AttachStdout: bool,
    AttachStderr: bool,
    ExposedPorts: emptyObjectMap,
    Tty: bool,
    OpenStdin: bool,
    StdinOnce: bool,
    Env: stringArray,
    Cmd: strSlice,
    Healthcheck: healthcheck,
    Image: str,
    Volumes: emptyObjectMap,
    WorkingDir: str,
    Entrypoint: strSlice,
    NetworkDisabled: bool,
    MacAddress: str,
    OnBuild: stringArray,
    Labels: stringMap,
    StopSignal: str,
    StopTimeout: intOrNull,
    Shell: stringArray,
    HostConfig: hostConfig,
    NetworkingConfig: {
      type: ['object', 'null'],
      properties: {
        EndpointsConfig: {
          type: ['object', 'null'],
          additionalProperties: {
            type: ['object', 'null'],
            properties: {
              IPAMConfig: { type: ['object', 'null'], properties: { IPv4Address: str, IPv6Address: str } },
              Aliases: stringArray,
              Links: stringArray,
              MacAddress: str,
            },
          },
        },
      },
    },
  },
} as const;

export const execCreateSchema = {
  type: 'object',
  properties: {
    AttachStdin: bool,
    AttachStdout: bool,
    AttachStderr: bool,
    DetachKeys: str,
    Tty: bool,
    ConsoleSize: { type: ['array', 'null'], items: int, maxItems: 2 },
    Env: stringArray,
    Cmd: strSlice,
    Privileged: bool,
    User: str,
    WorkingDir: str,
  },
} as const;

const ajv = new Ajv({ allErrors: false, strict: false });
const compiled = new Map<object, ValidateFunction>();

function describe(errors: ErrorObject[] | null | undefined): string {
  const error = errors?.[0];
  if (!error) return 'invalid value';
  const where = error.instancePath || '/';
  return `${where} ${error.message ?? 'is invalid'}`;
}

/** Throws InvalidArgumentError naming the first field at fault. */
export function validateBody<T>(schema: object, body: unknown, what: string): T {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  if (!validate(body)) throw new InvalidArgumentError(`invalid ${what}: ${describe(validate.errors)}`);
  return body as T;
}

/** Docker's StrSlice: a single string means a one-element list. */
export function strSliceValue(value: string | string[] | null | undefined): string[] | null | undefined {
  return typeof value === 'string' ? [value] : value;
}

// Interpolation of a parsed compose document (pure): substitutes variables in every string value
// and casts the result at paths the spec types as numbers or booleans, like compose-go does, so
// `replicas: ${N}` validates as an integer.

import { configError } from './errors.js';
import { formatPath, setKey, type Path, type Position } from './source.js';
import { substitute, TemplateError, type Lookup } from './template.js';

type Cast = (value: string) => unknown;

const toInt: Cast = (value) => {
  if (!/^[-+]?\d+$/.test(value.trim())) throw new Error(`invalid integer: ${JSON.stringify(value)}`);
  return Number.parseInt(value, 10);
};
const toFloat: Cast = (value) => {
  const n = Number(value.trim());
  if (value.trim() === '' || Number.isNaN(n)) throw new Error(`invalid number: ${JSON.stringify(value)}`);
  return n;
};
/** YAML 1.1 booleans are accepted here, as compose does (with a warning there). */
const toBoolean: Cast = (value) => {
  switch (value.toLowerCase()) {
    case 'true':
    case 'y':
    case 'yes':
    case 'on':
      return true;
    case 'false':
    case 'n':
    case 'no':
    case 'off':
      return false;
    default:
      throw new Error(`invalid boolean: ${value}`);
  }
};

/** '*' matches any map key, '[]' any sequence index. */
const CASTS: ReadonlyArray<readonly [readonly string[], Cast]> = [
  ...(
    [
      [['cpu_count'], toInt],
      [['cpu_percent'], toFloat],
      [['cpu_period'], toInt],
      [['cpu_quota'], toInt],
      [['cpu_rt_period'], toInt],
      [['cpu_rt_runtime'], toInt],
      [['cpus'], toFloat],
      [['cpu_shares'], toInt],
      [['init'], toBoolean],
      [['depends_on', '*', 'required'], toBoolean],
      [['depends_on', '*', 'restart'], toBoolean],
      [['deploy', 'replicas'], toInt],
      [['deploy', 'update_config', 'parallelism'], toInt],
      [['deploy', 'update_config', 'max_failure_ratio'], toFloat],
      [['deploy', 'rollback_config', 'parallelism'], toInt],
      [['deploy', 'rollback_config', 'max_failure_ratio'], toFloat],
      [['deploy', 'restart_policy', 'max_attempts'], toInt],
      [['deploy', 'placement', 'max_replicas_per_node'], toInt],
      [['healthcheck', 'retries'], toInt],
      [['healthcheck', 'disable'], toBoolean],
      [['oom_kill_disable'], toBoolean],
      [['oom_score_adj'], toInt],
      [['pids_limit'], toInt],
      [['ports', '[]', 'target'], toInt],
      [['privileged'], toBoolean],
      [['read_only'], toBoolean],
      [['scale'], toInt],
      [['stdin_open'], toBoolean],
      [['tty'], toBoolean],
      [['ulimits', '*'], toInt],
      [['ulimits', '*', 'hard'], toInt],
      [['ulimits', '*', 'soft'], toInt],
      [['volumes', '[]', 'read_only'], toBoolean],
      [['volumes', '[]', 'volume', 'nocopy'], toBoolean],
    ] as const
  ).map(([rest, cast]) => [['services', '*', ...rest], cast] as const),
  [['networks', '*', 'external'], toBoolean],
  [['networks', '*', 'internal'], toBoolean],
  [['networks', '*', 'attachable'], toBoolean],
  [['networks', '*', 'enable_ipv4'], toBoolean],
  [['networks', '*', 'enable_ipv6'], toBoolean],
  [['volumes', '*', 'external'], toBoolean],
  [['secrets', '*', 'external'], toBoolean],
  [['configs', '*', 'external'], toBoolean],
];

function matches(path: Path, pattern: readonly string[]): boolean {
  if (path.length !== pattern.length) return false;
  return pattern.every((p, i) => {
    const segment = path[i];
    if (p === '[]') return typeof segment === 'number';
    if (p === '*') return typeof segment === 'string';
    return segment === p;
  });
}

export interface InterpolateContext {
  readonly lookup: Lookup;
  /** Where each path came from, for error messages. */
  readonly positions?: ReadonlyMap<string, Position>;
  readonly file?: string;
}

/** Returns a copy of `value` with every string interpolated and typed paths cast. */
export function interpolateValue(value: unknown, context: InterpolateContext, path: Path = []): unknown {
  if (typeof value === 'string') return interpolateString(value, context, path);
  if (Array.isArray(value)) return value.map((item, i) => interpolateValue(item, context, [...path, i]));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) setKey(out, k, interpolateValue(v, context, [...path, k]));
    return out;
  }
  return value;
}

function interpolateString(value: string, context: InterpolateContext, path: Path): unknown {
  let result: string;
  try {
    result = substitute(value, context.lookup);
  } catch (err) {
    const detail = err instanceof TemplateError ? err.message : String(err);
    throw configError(detail, locate(context, path));
  }
  const cast = CASTS.find(([pattern]) => matches(path, pattern));
  if (cast === undefined) return result;
  try {
    return cast[1](result);
  } catch (err) {
    throw configError(`failed to cast to expected type: ${(err as Error).message}`, locate(context, path));
  }
}

function locate(context: InterpolateContext, path: Path): { file?: string; line?: number; column?: number; path: string } {
  const key = formatPath(path);
  const position = context.positions?.get(key);
  return { file: position?.file ?? context.file, line: position?.line, column: position?.column, path: key };
}

// The config hash compose stores in the `com.docker.compose.config-hash` label (pure): SHA-256 of
// the service's Go JSON encoding with the fields that must not force a recreate cleared (build,
// pull_policy, scale, deploy.replicas, depends_on, profiles), like docker compose's ServiceHash.

import { createHash } from 'node:crypto';
import { deepClone, type Dict } from './dict.js';
import { encodeStruct } from './encode.js';
import { marshalGoJson } from './gojson.js';
import type { ServiceConfig } from './model.js';

/** Hex SHA-256 config hash of a normalised service (environment resolved, env_file dropped). */
export function serviceConfigHash(service: ServiceConfig): string {
  const copy = deepClone(service) as Dict;
  delete copy.build;
  delete copy.pull_policy;
  delete copy.scale;
  delete copy.depends_on;
  delete copy.profiles;
  delete copy.env_file;
  if (copy.deploy !== undefined && copy.deploy !== null) delete (copy.deploy as Dict).replicas;
  const json = marshalGoJson(encodeStruct('service', copy, 'json'));
  return createHash('sha256').update(json).digest('hex');
}

/** Hash of a network or volume definition, for the same label on those resources. */
export function resourceConfigHash(kind: 'network' | 'volume', resource: Dict): string {
  const copy = deepClone(resource);
  if (kind === 'volume' && (copy.driver === undefined || copy.driver === '')) copy.driver = 'local';
  return createHash('sha256').update(marshalGoJson(encodeStruct(kind, copy, 'json'))).digest('hex');
}

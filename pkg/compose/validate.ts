// Schema validation of one parsed compose document (pure): the compose schema's validator, compiled
// ahead of time by ajv (schema-validator.generated.ts, kept in step with schema.ts by its test, since
// compiling it at run time costs ~200 ms per command), and the first violation as a one-line
// ComposeError at the offending line.

import { createRequire } from 'node:module';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { configError, type ComposeError } from './errors.js';
import { VALIDATOR_SOURCE } from './schema-validator.generated.js';
import { formatPath, type PathSegment, type Position } from './source.js';

let compiled: ValidateFunction | undefined;

/** The compose schema's validator: the precompiled module body, evaluated once. */
export function schemaValidator(): ValidateFunction {
  if (compiled === undefined) {
    const module: { exports: unknown } = { exports: {} };
    // The body requires ajv's runtime helpers (deep equality for uniqueItems).
    new Function('module', 'exports', 'require', VALIDATOR_SOURCE)(module, module.exports, createRequire(import.meta.url));
    compiled = module.exports as ValidateFunction;
  }
  return compiled;
}

const validator = schemaValidator;

/** Throws a located ComposeError when `document` does not match the compose schema. */
export function validateDocument(document: unknown, file: string, positions: ReadonlyMap<string, Position>): void {
  const validate = validator();
  if (validate(document)) return;
  const error = (validate.errors ?? [])[0];
  if (error === undefined) throw configError('invalid compose file', { file });
  throw toComposeError(error, document, file, positions);
}

function pointerToPath(pointer: string, document: unknown): PathSegment[] {
  if (pointer === '') return [];
  const path: PathSegment[] = [];
  let node: unknown = document;
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) {
      const index = Number.parseInt(segment, 10);
      path.push(index);
      node = node[index];
    } else {
      path.push(segment);
      node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[segment] : undefined;
    }
  }
  return path;
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  integer: 'an integer',
  boolean: 'a boolean',
  object: 'a mapping',
  array: 'a list',
  null: 'null',
};

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}

function toComposeError(error: ErrorObject, document: unknown, file: string, positions: ReadonlyMap<string, Position>): ComposeError {
  const path = pointerToPath(error.instancePath, document);
  let detail: string;
  let lookup: PathSegment[] = path;
  const value = path.reduce<unknown>((node, segment) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[segment as string] : undefined), document);
  switch (error.keyword) {
    case 'additionalProperties': {
      const property = String((error.params as { additionalProperty: string }).additionalProperty);
      detail = path.length === 1 && path[0] === 'services' ? `invalid service name ${JSON.stringify(property)}` : `additional property ${JSON.stringify(property)} is not allowed`;
      lookup = [...path, property];
      break;
    }
    case 'type': {
      const types = String((error.params as { type: string | string[] }).type)
        .split(',')
        .map((t) => TYPE_NAMES[t] ?? t);
      detail = `must be ${types.length > 1 ? `${types.slice(0, -1).join(', ')} or ${types[types.length - 1]}` : types[0]}, not ${describeValue(value)}`;
      break;
    }
    case 'enum':
      detail = `must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}, not ${describeValue(value)}`;
      break;
    case 'required':
      detail = `missing required property ${JSON.stringify((error.params as { missingProperty: string }).missingProperty)}`;
      break;
    case 'uniqueItems': {
      const { i, j } = error.params as { i: number; j: number };
      detail = `must not contain duplicate items (${describeValue((value as unknown[])[i])} at [${j}] and [${i}])`;
      lookup = [...path, i];
      break;
    }
    case 'pattern':
      detail = `${describeValue(value)} does not match ${(error.params as { pattern: string }).pattern}`;
      break;
    case 'minimum':
    case 'maximum':
      detail = `must be ${error.keyword === 'minimum' ? '>=' : '<='} ${(error.params as { limit: number }).limit}, not ${describeValue(value)}`;
      break;
    default:
      detail = error.message ?? 'is invalid';
  }
  let position: Position | undefined;
  for (let n = lookup.length; n >= 0 && position === undefined; n--) position = positions.get(formatPath(lookup.slice(0, n)));
  return configError(detail, { file, line: position?.line, column: position?.column, path: formatPath(path) });
}

// The compose schema's validator is compiled ahead of time (ajv standalone code in
// schema-validator.generated.ts) because compiling it costs ~200 ms on every compose command.
// This test keeps that file in step with schema.ts: UPDATE_GOLDEN=1 rewrites it.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { expect, test } from 'vitest';
import { COMPOSE_SCHEMA, VALIDATOR_OPTIONS } from './schema.js';
import { schemaValidator } from './validate.js';

const FILE = join(import.meta.dirname, 'schema-validator.generated.ts');

function generate(): string {
  const ajv = new Ajv({ ...VALIDATOR_OPTIONS, code: { source: true } });
  // ajv's standalone module is CommonJS: the function is its default export's `default`.
  const code = ((standaloneCode as unknown as { default?: unknown }).default ?? standaloneCode) as (ajv: Ajv, validate: ValidateFunction) => string;
  const source = code(ajv, ajv.compile(COMPOSE_SCHEMA));
  return [
    '// GENERATED from schema.ts by schema-validator.test.ts: ajv standalone code (a CommonJS module body)',
    '// for the compose schema, loaded by validate.ts. Do not edit; regenerate with:',
    '//   UPDATE_GOLDEN=1 npx vitest run --project unit pkg/compose/schema-validator.test.ts',
    `export const VALIDATOR_SOURCE = ${JSON.stringify(source)};`,
    '',
  ].join('\n');
}

test('the precompiled validator matches the schema', () => {
  const expected = generate();
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(FILE, expected);
  expect(readFileSync(FILE, 'utf8') === expected, 'schema-validator.generated.ts is stale: regenerate it (see its header)').toBe(true);
});

test('it accepts a valid document and reports the first violation', () => {
  const validate = schemaValidator();
  expect(validate({ services: { web: { image: 'nginx' } } })).toBe(true);
  expect(validate({ services: { web: { image: 'nginx', port: [80] } } })).toBe(false);
  expect(validate.errors?.[0]).toMatchObject({ keyword: 'additionalProperties', instancePath: '/services/web', params: { additionalProperty: 'port' } });
});

import { describe, expect, test } from 'vitest';
import { REGISTRY_ERRORS, RegistryError, errorEnvelope } from './errors.js';

describe('registry errors', () => {
  test('every code has a status and a message', () => {
    for (const [code, entry] of Object.entries(REGISTRY_ERRORS)) {
      expect(code).toMatch(/^[A-Z_]+$/);
      expect(entry.status).toBeGreaterThanOrEqual(400);
      expect(entry.message).not.toBe('');
    }
  });
  test('the envelope is the spec shape, detail only when given', () => {
    const errors = [new RegistryError('BLOB_UNKNOWN', undefined, { digest: 'sha256:x' }), new RegistryError('NAME_INVALID')];
    expect(errorEnvelope(errors)).toEqual({
      errors: [
        { code: 'BLOB_UNKNOWN', message: 'blob unknown to registry', detail: { digest: 'sha256:x' } },
        { code: 'NAME_INVALID', message: 'invalid repository name' },
      ],
    });
    expect(new RegistryError('RANGE_INVALID').status).toBe(416);
    expect(new RegistryError('MANIFEST_INVALID', 'too big', undefined, { status: 413 }).status).toBe(413);
  });
});

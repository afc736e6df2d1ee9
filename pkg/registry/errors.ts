// The registry's error codes (OCI distribution spec, plus distribution's RANGE_INVALID and
// PAGINATION_NUMBER_INVALID), each with its HTTP status and message, and the JSON error body. Pure.

export type RegistryErrorCode =
  | 'BLOB_UNKNOWN'
  | 'BLOB_UPLOAD_INVALID'
  | 'BLOB_UPLOAD_UNKNOWN'
  | 'DIGEST_INVALID'
  | 'MANIFEST_BLOB_UNKNOWN'
  | 'MANIFEST_INVALID'
  | 'MANIFEST_UNKNOWN'
  | 'NAME_INVALID'
  | 'NAME_UNKNOWN'
  | 'SIZE_INVALID'
  | 'TAG_INVALID'
  | 'UNAUTHORIZED'
  | 'DENIED'
  | 'UNSUPPORTED'
  | 'TOOMANYREQUESTS'
  | 'RANGE_INVALID'
  | 'PAGINATION_NUMBER_INVALID'
  | 'UNKNOWN';

/**
 * Status and message per code. Statuses follow distribution/distribution's registry except
 * BLOB_UPLOAD_INVALID, which distribution answers with 404 although the upload exists; a 400 says
 * "this request was wrong" to clients that key on the status.
 */
export const REGISTRY_ERRORS: Readonly<Record<RegistryErrorCode, { status: number; message: string }>> = {
  BLOB_UNKNOWN: { status: 404, message: 'blob unknown to registry' },
  BLOB_UPLOAD_INVALID: { status: 400, message: 'blob upload invalid' },
  BLOB_UPLOAD_UNKNOWN: { status: 404, message: 'blob upload unknown to registry' },
  DIGEST_INVALID: { status: 400, message: 'provided digest did not match uploaded content' },
  MANIFEST_BLOB_UNKNOWN: { status: 400, message: 'blob unknown to registry' },
  MANIFEST_INVALID: { status: 400, message: 'manifest invalid' },
  MANIFEST_UNKNOWN: { status: 404, message: 'manifest unknown' },
  NAME_INVALID: { status: 400, message: 'invalid repository name' },
  NAME_UNKNOWN: { status: 404, message: 'repository name not known to registry' },
  SIZE_INVALID: { status: 400, message: 'provided length did not match content length' },
  TAG_INVALID: { status: 400, message: 'manifest tag did not match URI' },
  UNAUTHORIZED: { status: 401, message: 'authentication required' },
  DENIED: { status: 403, message: 'requested access to the resource is denied' },
  UNSUPPORTED: { status: 405, message: 'The operation is unsupported.' },
  TOOMANYREQUESTS: { status: 429, message: 'too many requests' },
  RANGE_INVALID: { status: 416, message: 'invalid content range' },
  PAGINATION_NUMBER_INVALID: { status: 400, message: 'invalid number of results requested' },
  UNKNOWN: { status: 500, message: 'unknown error' },
};

export class RegistryError extends Error {
  readonly status: number;
  constructor(
    readonly code: RegistryErrorCode,
    /** Overrides the table's message (which stays the default). */
    message?: string,
    readonly detail?: unknown,
    options: { status?: number; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message ?? REGISTRY_ERRORS[code].message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RegistryError';
    this.status = options.status ?? REGISTRY_ERRORS[code].status;
    this.headers = options.headers ?? {};
  }
  readonly headers: Record<string, string>;
}

/** The spec's error envelope: {"errors":[{code,message,detail}]}. */
export function errorEnvelope(errors: readonly RegistryError[]): { errors: { code: string; message: string; detail?: unknown }[] } {
  return {
    errors: errors.map((error) => ({ code: error.code, message: error.message, ...(error.detail !== undefined ? { detail: error.detail } : {}) })),
  };
}

/** Several errors in one answer (a manifest naming more than one missing blob). */
export class RegistryErrors extends RegistryError {
  constructor(readonly all: RegistryError[]) {
    super(all[0].code, all[0].message, all[0].detail, { status: all[0].status });
  }
}

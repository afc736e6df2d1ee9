// Berth's closed set of error classes (pure). Every error crossing a package boundary is a
// BerthError with one of these codes; the API server maps codes to HTTP statuses and the CLI to
// exit codes, at the edge only. See docs/errors.md, which a test keeps in step with this table.

export type ErrorCode =
  | 'invalid_argument'
  | 'not_found'
  | 'conflict'
  | 'not_modified'
  | 'forbidden'
  | 'unauthorized'
  | 'unavailable'
  | 'not_implemented'
  | 'internal';

/** HTTP status per code, as dockerd answers for the same class of failure. */
export const HTTP_STATUS: Readonly<Record<ErrorCode, number>> = {
  invalid_argument: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  not_modified: 304,
  internal: 500,
  not_implemented: 501,
  unavailable: 503,
};

export class BerthError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: ErrorOptions & { hint?: string },
  ) {
    super(message, options);
    this.name = new.target.name;
    this.hint = options?.hint;
  }
  readonly hint: string | undefined;
  get httpStatus(): number {
    return HTTP_STATUS[this.code];
  }
}

export class InvalidArgumentError extends BerthError {
  constructor(message: string, options?: ErrorOptions & { hint?: string }) {
    super('invalid_argument', message, options);
  }
}

export class NotFoundError extends BerthError {
  constructor(message: string, options?: ErrorOptions & { hint?: string }) {
    super('not_found', message, options);
  }
}

export class ConflictError extends BerthError {
  constructor(message: string, options?: ErrorOptions & { hint?: string }) {
    super('conflict', message, options);
  }
}

export class NotModifiedError extends BerthError {
  constructor(message: string) {
    super('not_modified', message);
  }
}

export class ForbiddenError extends BerthError {
  constructor(message: string, options?: ErrorOptions & { hint?: string }) {
    super('forbidden', message, options);
  }
}

export class UnavailableError extends BerthError {
  constructor(message: string, options?: ErrorOptions & { hint?: string }) {
    super('unavailable', message, options);
  }
}

export class NotImplementedError extends BerthError {
  constructor(message: string) {
    super('not_implemented', message);
  }
}

export class InternalError extends BerthError {
  constructor(message: string, options?: ErrorOptions & { hint?: string }) {
    super('internal', message, options);
  }
}

/** Wraps anything thrown into a BerthError, keeping the original as `cause`. */
export function asBerthError(err: unknown): BerthError {
  if (err instanceof BerthError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new InternalError(message, { cause: err });
}

export function isNotFound(err: unknown): boolean {
  return err instanceof BerthError && err.code === 'not_found';
}

export function isConflict(err: unknown): boolean {
  return err instanceof BerthError && err.code === 'conflict';
}

/** True for a Node fs error with the given errno code (ENOENT, EEXIST, …). */
export function hasErrno(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === code;
}

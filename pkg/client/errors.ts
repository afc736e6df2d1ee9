// Typed errors of the Engine API client (pure): daemon answers by HTTP status, and unreachable daemons.
import {
  BerthError,
  ConflictError,
  ForbiddenError,
  InternalError,
  InvalidArgumentError,
  NotFoundError,
  NotImplementedError,
  NotModifiedError,
  UnavailableError,
} from '../errdefs/index.js';

/**
 * An error the daemon answered with (`{"message": …}` and a status). Each status maps to the
 * errdefs class of the same meaning, so `isNotFound(err)` and `err instanceof NotFoundError` both
 * work; `statusCode` keeps the exact status and `message` the daemon's text, unprefixed.
 */
export type EngineApiError = BerthError & { readonly statusCode: number; readonly fromDaemon: true };

export class EngineInvalidArgumentError extends InvalidArgumentError {
  readonly fromDaemon = true as const;
  constructor(readonly statusCode: number, message: string) {
    super(message);
  }
}
export class EngineUnauthorizedError extends BerthError {
  readonly fromDaemon = true as const;
  constructor(readonly statusCode: number, message: string) {
    super('unauthorized', message);
  }
}
export class EngineForbiddenError extends ForbiddenError {
  readonly fromDaemon = true as const;
  constructor(readonly statusCode: number, message: string) {
    super(message);
  }
}
export class EngineNotFoundError extends NotFoundError {
  readonly fromDaemon = true as const;
  constructor(readonly statusCode: number, message: string) {
    super(message);
  }
}
export class EngineConflictError extends ConflictError {
  readonly fromDaemon = true as const;
  constructor(readonly statusCode: number, message: string) {
    super(message);
  }
}
export class EngineNotModifiedError extends NotModifiedError {
  readonly fromDaemon = true as const;
  constructor(readonly statusCode: number, message: string) {
    super(message);
  }
}
export class EngineNotImplementedError extends NotImplementedError {
  readonly fromDaemon = true as const;
  constructor(readonly statusCode: number, message: string) {
    super(message);
  }
}
export class EngineUnavailableError extends UnavailableError {
  readonly fromDaemon = true as const;
  constructor(readonly statusCode: number, message: string) {
    super(message);
  }
}
export class EngineInternalError extends InternalError {
  readonly fromDaemon = true as const;
  constructor(readonly statusCode: number, message: string) {
    super(message);
  }
}

/** Builds the typed error for a daemon answer, like docker's errdefs.FromStatusCode. */
export function engineApiError(statusCode: number, message: string): EngineApiError {
  switch (statusCode) {
    case 304:
      return new EngineNotModifiedError(statusCode, message);
    case 400:
      return new EngineInvalidArgumentError(statusCode, message);
    case 401:
      return new EngineUnauthorizedError(statusCode, message);
    case 403:
      return new EngineForbiddenError(statusCode, message);
    case 404:
      return new EngineNotFoundError(statusCode, message);
    case 409:
      return new EngineConflictError(statusCode, message);
    case 501:
      return new EngineNotImplementedError(statusCode, message);
    case 503:
      return new EngineUnavailableError(statusCode, message);
    default:
      return statusCode >= 400 && statusCode < 500
        ? new EngineInvalidArgumentError(statusCode, message)
        : new EngineInternalError(statusCode, message);
  }
}

export function isEngineApiError(err: unknown): err is EngineApiError {
  return err instanceof BerthError && (err as Partial<EngineApiError>).fromDaemon === true;
}

/**
 * The daemon could not be reached at all (no socket, refused, reset before an answer). The text
 * mirrors docker's "Cannot connect to the Docker daemon at …" so scripts matching it keep working.
 */
export class DaemonConnectionError extends UnavailableError {
  constructor(readonly host: string, options?: ErrorOptions) {
    super(`Cannot connect to the Berth daemon at ${host}. Is the berth daemon running?`, {
      ...options,
      hint: 'start berthd, or point DOCKER_HOST / -H at a running daemon',
    });
  }
}

/** A progress stream (pull, load, import, build) ended with an `error` message. */
export class JsonMessageError extends BerthError {
  constructor(message: string, readonly errorCode?: number) {
    super('internal', message);
  }
}

/** Access to the socket was refused (EACCES): docker's wording, with Berth's name. */
export class DaemonPermissionError extends ForbiddenError {
  constructor(readonly host: string, options?: ErrorOptions) {
    super(`permission denied while trying to connect to the Berth daemon socket at ${host}`, {
      ...options,
      hint: 'run as root or as a member of the group that owns the socket',
    });
  }
}

/** The error text for a failed answer without a body, as docker's client words it. */
export function emptyBodyErrorMessage(status: string, url: string): string {
  return `request returned ${status} for API route and version ${url}, check if the server supports the requested API version`;
}

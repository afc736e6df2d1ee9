// Typed compose errors (pure): every failure of loading a compose project is a ComposeError that
// names the file, line and model path it is about, and maps to compose's exit codes at the CLI edge.

import { BerthError, type ErrorCode } from '../errdefs/index.js';

/**
 * What went wrong, closed set. `config` covers syntax, schema, interpolation, merge, extends,
 * include and consistency failures (docker compose reports them with exit 15); `file_not_found`
 * is a missing compose file, env file or extends/include target (exit 14); `generic` is anything
 * else (exit 1).
 */
export type ComposeErrorKind = 'config' | 'file_not_found' | 'generic';

const EXIT_CODE: Readonly<Record<ComposeErrorKind, number>> = {
  config: 15,
  file_not_found: 14,
  generic: 1,
};

const BERTH_CODE: Readonly<Record<ComposeErrorKind, ErrorCode>> = {
  config: 'invalid_argument',
  file_not_found: 'not_found',
  generic: 'internal',
};

export interface ErrorLocation {
  /** File the error is about, as the user named it (relative to the working dir when possible). */
  readonly file?: string;
  /** 1-based line, when known. */
  readonly line?: number;
  /** 1-based column, when known. */
  readonly column?: number;
  /** Dotted model path, e.g. `services.web.ports[1]`. */
  readonly path?: string;
}

export class ComposeError extends BerthError {
  readonly kind: ComposeErrorKind;
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly column: number | undefined;
  readonly path: string | undefined;
  /** The message without the location prefix. */
  readonly detail: string;

  constructor(kind: ComposeErrorKind, detail: string, location: ErrorLocation = {}, options?: ErrorOptions & { hint?: string }) {
    super(BERTH_CODE[kind], formatMessage(detail, location), options);
    this.kind = kind;
    this.detail = detail;
    this.file = location.file;
    this.line = location.line;
    this.column = location.column;
    this.path = location.path;
  }

  get exitCode(): number {
    return EXIT_CODE[this.kind];
  }

  /** A copy that carries a location, keeping fields already set. */
  withLocation(location: ErrorLocation): ComposeError {
    return new ComposeError(
      this.kind,
      this.detail,
      {
        file: this.file ?? location.file,
        line: this.line ?? location.line,
        column: this.column ?? location.column,
        path: this.path ?? location.path,
      },
      { cause: this.cause, hint: this.hint },
    );
  }
}

/** `compose.yaml:12: services.web.ports[1]: invalid port "80:x"` — one line, always. */
function formatMessage(detail: string, location: ErrorLocation): string {
  let prefix = '';
  if (location.file !== undefined) {
    prefix = location.line !== undefined ? `${location.file}:${location.line}: ` : `${location.file}: `;
  }
  const path = location.path !== undefined && location.path !== '' ? `${location.path}: ` : '';
  return `${prefix}${path}${detail}`.replace(/\s*\n\s*/g, ' ');
}

export function configError(detail: string, location: ErrorLocation = {}): ComposeError {
  return new ComposeError('config', detail, location);
}

/** Exit code the CLI should use for an error thrown by this package (1 for anything unknown). */
export function exitCodeOf(err: unknown): number {
  return err instanceof ComposeError ? err.exitCode : 1;
}

// CLI error types (pure) and how errors become stderr text and exit codes at the edge, like docker's
// cli.StatusError handling: daemon errors as "Error response from daemon: …", usage errors with help.
import { BerthError } from '../errdefs/index.js';
import { isEngineApiError } from '../client/index.js';

/** An error with a chosen exit status; an empty message prints nothing. */
export class StatusError extends Error {
  constructor(
    readonly status: number,
    message = '',
  ) {
    super(message);
    this.name = 'StatusError';
  }
}

/** Bad flags or arguments: printed with the usage line and a pointer to --help. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly status: number,
    /** `Run` (flag errors) or `See` (argument-count errors), as docker words each. */
    readonly verb: 'Run' | 'See' = 'Run',
    /** docker prefixes argument-count errors with "docker: ". */
    readonly prefixed = false,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A flag value that does not parse: `invalid argument "x" for "-m, --memory" flag: …`. */
export class FlagValueError extends UsageError {
  constructor(flag: { long: string; short?: string }, value: string, reason: string) {
    const name = flag.short ? `-${flag.short}, --${flag.long}` : `--${flag.long}`;
    super(`invalid argument ${JSON.stringify(value)} for "${name}" flag: ${reason}`, 125);
  }
}

/** The text docker prints for an error (without its own "docker: " prefixes). */
export function errorText(err: unknown): string {
  if (isEngineApiError(err)) return `Error response from daemon: ${err.message}`;
  if (err instanceof BerthError || err instanceof Error) return err.message;
  return String(err);
}

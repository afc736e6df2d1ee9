// CLI error types (pure, import-free so `berth -v` loads nothing else): exit statuses as docker's
// cli.StatusError, usage errors printed with help, and pflag's invalid-value errors.

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
    /**
     * `Run` (flag errors) or `See` (argument-count errors), as docker words each; `SRun` is the
     * typo docker 28 prints after "requires at most N arguments", kept so output matches byte for byte.
     */
    readonly verb: 'Run' | 'See' | 'SRun' = 'Run',
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

// Build arguments in effect (pure): --build-arg values, ARG declarations per stage and before the
// first FROM, the predefined proxy args, and what the legacy builder derives from them (the
// substitution environment, RUN's environment and cache prefix, the unused-args warning).

/** Usable without an ARG line; left out of RUN's cache key and history unless declared. */
export const PREDEFINED_ARGS: readonly string[] = [
  'HTTP_PROXY',
  'http_proxy',
  'HTTPS_PROXY',
  'https_proxy',
  'FTP_PROXY',
  'ftp_proxy',
  'NO_PROXY',
  'no_proxy',
  'ALL_PROXY',
  'all_proxy',
];

/** Values given with --build-arg; null for a name given without a value and absent from the client's env. */
export type BuildArgOptions = ReadonlyMap<string, string | null>;

export class BuildArgs {
  /** ARGs declared in the current stage, with their defaults (undefined: no default). */
  private readonly allowed = new Map<string, string | undefined>();

  private constructor(
    private readonly options: BuildArgOptions,
    /** ARGs declared before the first FROM, shared by every stage. */
    private readonly meta: Map<string, string | undefined>,
    /** Every ARG name declared anywhere in the build, shared by every stage. */
    private readonly referenced: Set<string>,
  ) {}

  static create(options: BuildArgOptions): BuildArgs {
    return new BuildArgs(options, new Map(), new Set());
  }

  /** A stage's view: global ARGs and options stay, the stage's own declarations start empty. */
  forStage(): BuildArgs {
    return new BuildArgs(this.options, this.meta, this.referenced);
  }

  /** `ARG name[=default]` inside a stage. */
  declare(name: string, defaultValue: string | undefined): void {
    this.allowed.set(name, defaultValue);
    this.referenced.add(name);
  }

  /** `ARG name[=default]` before the first FROM. */
  declareMeta(name: string, defaultValue: string | undefined): void {
    this.meta.set(name, defaultValue);
    this.declare(name, defaultValue);
  }

  private valueFrom(name: string, mapping: ReadonlyMap<string, string | undefined>): string | undefined {
    const override = this.options.get(name);
    if (override !== undefined && override !== null) return override;
    const fallback = mapping.get(name);
    if (fallback === undefined) return this.meta.get(name);
    return fallback;
  }

  private allFrom(mapping: ReadonlyMap<string, string | undefined>): Map<string, string> {
    const values = new Map<string, string>();
    for (const name of new Set([...mapping.keys(), ...PREDEFINED_ARGS])) {
      if (!mapping.has(name) && !PREDEFINED_ARGS.includes(name)) continue;
      const value = this.valueFrom(name, mapping);
      if (value !== undefined) values.set(name, value);
    }
    return values;
  }

  /** Values of the stage's declared ARGs (plus predefined args given as options). */
  allowedValues(): Map<string, string> {
    return this.allFrom(this.allowed);
  }

  /** Values of the global ARGs: what FROM lines may use. */
  metaValues(): Map<string, string> {
    return this.allFrom(this.meta);
  }

  /** "K=V" of the ARGs in effect that no ENV of `env` overrides (ENV wins over ARG). */
  notOverriddenBy(env: readonly string[] | null | undefined): string[] {
    const envKeys = new Set((env ?? []).map((item) => item.split('=')[0]));
    const result: string[] = [];
    for (const [name, value] of this.allowedValues()) if (!envKeys.has(name)) result.push(`${name}=${value}`);
    return result;
  }

  /**
   * RUN's cache-visible command: "|N K=V ..." in front of the command for the ARGs in effect,
   * sorted, leaving out predefined args nobody declared (their values must not bust the cache).
   */
  prefixCommand(argEnv: readonly string[], command: readonly string[]): string[] {
    const visible = argEnv.filter((item) => {
      const name = item.split('=')[0];
      return this.referenced.has(name) || !PREDEFINED_ARGS.includes(name);
    });
    if (visible.length === 0) return [...command];
    visible.sort();
    return [`|${visible.length}`, ...visible, ...command];
  }

  /** The legacy builder's warning about --build-arg names no ARG line declared, or undefined. */
  unusedWarning(): string | undefined {
    const unused = [...this.options.keys()].filter((name) => !this.referenced.has(name) && !PREDEFINED_ARGS.includes(name)).sort();
    return unused.length === 0 ? undefined : `[Warning] One or more build-args [${unused.join(' ')}] were not consumed\n`;
  }
}

// The template API the CLI uses (pure): compile once with docker's functions, execute on data.
import { BUILTIN_FUNCTIONS, DOCKER_FUNCTIONS } from './funcs.js';
import { calledFunctions, Executor, type ExecuteOptions, type TemplateFunction } from './exec.js';
import { parse, TemplateError, type Node } from './parse.js';

export { TemplateError } from './parse.js';
export type { MethodReceiver, TemplateFunction } from './exec.js';

export class Template {
  private constructor(
    private readonly nodes: Node[],
    private readonly funcs: Readonly<Record<string, TemplateFunction>>,
  ) {}

  /** Parses `source`; unknown functions fail here, as Go's parser does. */
  static compile(source: string, extraFunctions: Readonly<Record<string, TemplateFunction>> = {}): Template {
    const funcs = { ...BUILTIN_FUNCTIONS, ...DOCKER_FUNCTIONS, ...extraFunctions };
    const nodes = parse(source);
    for (const name of calledFunctions(nodes)) {
      if (!(name in funcs)) throw new TemplateError(`:1: function "${name}" not defined`);
    }
    return new Template(nodes, funcs);
  }

  /** Renders with `data` as dot. `overrides` swaps functions for this run (table headers). */
  execute(data: unknown, options: ExecuteOptions & { overrides?: Readonly<Record<string, TemplateFunction>> } = {}): string {
    const funcs = options.overrides ? { ...this.funcs, ...options.overrides } : this.funcs;
    return new Executor(funcs, options).run(this.nodes, data);
  }
}

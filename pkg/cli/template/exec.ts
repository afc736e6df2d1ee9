// Evaluator for parsed templates (pure): Go text/template semantics for field and method lookup,
// pipelines, variables, truthiness, range over lists/maps/ints, and Go-style execution errors.
import { formatValue } from './gofmt.js';
import { TemplateError, type Command, type ControlNode, type Node, type Operand, type Pipeline } from './parse.js';

export type TemplateFunction = (...args: unknown[]) => unknown;

/** Forms evaluated lazily (Go ≥ 1.18 short-circuits and/or). */
const LAZY = new Set(['and', 'or']);

/**
 * Objects that expose Go-style methods (formatter contexts): a function-valued property is a method,
 * called with the template's arguments; `goTypeName` names the type in error messages.
 */
export interface MethodReceiver {
  readonly goTypeName: string;
}

export interface ExecuteOptions {
  /** `error` makes a missing map key an execution error (docker inspect's raw fallback). */
  missingKey?: 'default' | 'error';
  /** Go field name → JSON key, tried when a map has no entry under the Go name. */
  fieldAliases?: Readonly<Record<string, string>>;
}

class ExecError extends TemplateError {}

class BreakSignal {}
class ContinueSignal {}

/** Go's truth: false, 0, "", nil and empty collections are false; everything else true. */
export function isTrue(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object' && (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null)) return Object.keys(value).length > 0;
  return true;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

function receiverTypeName(value: unknown): string {
  if (value === null || value === undefined) return 'interface {}';
  if (typeof value === 'object' && 'goTypeName' in value) return String((value as MethodReceiver).goTypeName);
  if (Array.isArray(value)) return '[]interface {}';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float64';
  if (typeof value === 'boolean') return 'bool';
  return 'map[string]interface {}';
}

export class Executor {
  private readonly variables: { name: string; value: unknown }[] = [];
  private out = '';
  private current: Operand | Command | undefined;

  constructor(
    private readonly funcs: Readonly<Record<string, TemplateFunction>>,
    private readonly options: ExecuteOptions = {},
  ) {}

  run(nodes: Node[], data: unknown): string {
    this.out = '';
    this.variables.length = 0;
    this.variables.push({ name: '$', value: data });
    this.walkList(data, nodes);
    return this.out;
  }

  private fail(message: string): never {
    const node = this.current;
    if (!node) throw new ExecError(`:1:0: executing "" : ${message}`);
    const text = 'text' in node ? node.text : node.args.map((arg) => arg.text).join(' ');
    throw new ExecError(`:${node.pos.line}:${node.pos.column}: executing "" at <${text}>: ${message}`);
  }

  private walkList(dot: unknown, nodes: Node[]): void {
    for (const node of nodes) this.walk(dot, node);
  }

  private walk(dot: unknown, node: Node): void {
    switch (node.kind) {
      case 'text':
        this.out += node.text;
        return;
      case 'action': {
        const value = this.evalPipeline(dot, node.pipeline);
        if (node.pipeline.decl.length === 0) this.out += formatValue(value);
        return;
      }
      case 'if':
      case 'with': {
        const mark = this.variables.length;
        const value = this.evalPipeline(dot, node.pipeline);
        if (isTrue(value)) this.walkList(node.kind === 'with' ? value : dot, node.list);
        else if (node.elseList) this.walkList(dot, node.elseList);
        this.variables.length = mark;
        return;
      }
      case 'range':
        this.walkRange(dot, node);
        return;
      case 'break':
        throw new BreakSignal();
      case 'continue':
        throw new ContinueSignal();
    }
  }

  private walkRange(dot: unknown, node: ControlNode): void {
    const mark = this.variables.length;
    // Evaluate without declaring: range declares per iteration.
    const value = this.evalPipeline(dot, { ...node.pipeline, decl: [] });
    const entries: [unknown, unknown][] = [];
    if (Array.isArray(value)) value.forEach((item, index) => entries.push([index, item]));
    else if (isPlainObject(value)) for (const key of Object.keys(value).sort()) entries.push([key, value[key]]);
    else if (typeof value === 'number' && Number.isInteger(value)) for (let index = 0; index < value; index++) entries.push([index, index]);
    else if (value !== null && value !== undefined) this.fail(`range can't iterate over ${formatValue(value)}`);
    if (entries.length === 0) {
      if (node.elseList) this.walkList(dot, node.elseList);
      return;
    }
    for (const [key, item] of entries) {
      const decl = node.pipeline.decl;
      if (decl.length === 1) this.variables.push({ name: decl[0]!, value: typeof value === 'number' ? item : item });
      if (decl.length === 2) this.variables.push({ name: decl[0]!, value: key }, { name: decl[1]!, value: item });
      try {
        this.walkList(item, node.list);
      } catch (signal) {
        if (signal instanceof BreakSignal) {
          this.variables.length = mark;
          break;
        }
        if (!(signal instanceof ContinueSignal)) throw signal;
      }
      this.variables.length = mark;
    }
  }

  private evalPipeline(dot: unknown, pipeline: Pipeline): unknown {
    let value: unknown;
    let hasFinal = false;
    for (const command of pipeline.commands) {
      value = this.evalCommand(dot, command, hasFinal ? { value } : undefined);
      hasFinal = true;
    }
    for (const name of pipeline.decl) {
      if (pipeline.assign) {
        const variable = [...this.variables].reverse().find((entry) => entry.name === name);
        if (!variable) this.fail(`undefined variable: ${name}`);
        variable.value = value;
      } else {
        this.variables.push({ name, value });
      }
    }
    return value;
  }

  private evalCommand(dot: unknown, command: Command, final: { value: unknown } | undefined): unknown {
    const [first, ...rest] = command.args;
    this.current = command;
    switch (first!.kind) {
      case 'identifier':
        return this.callFunction(dot, first!, rest, final);
      case 'field':
        return this.evalFieldChain(dot, dot, first!.names, first!, rest, final);
      case 'variable': {
        const value = this.lookupVariable(first!);
        if (first!.names.length === 0) return this.noArgs(value, rest, final, first!);
        return this.evalFieldChain(dot, value, first!.names, first!, rest, final);
      }
      case 'chain': {
        const base = this.evalArg(dot, first!.node);
        return this.evalFieldChain(dot, base, first!.names, first!, rest, final);
      }
      case 'pipeline':
        return this.noArgs(this.evalPipeline(dot, first!.pipeline), rest, final, first!);
      default:
        return this.noArgs(this.evalArg(dot, first!), rest, final, first!);
    }
  }

  private noArgs(value: unknown, rest: Operand[], final: { value: unknown } | undefined, node: Operand): unknown {
    if (rest.length > 0 || final) {
      this.current = node;
      this.fail(`can't give argument to non-function ${node.text}`);
    }
    return value;
  }

  private lookupVariable(node: Extract<Operand, { kind: 'variable' }>): unknown {
    for (let index = this.variables.length - 1; index >= 0; index--) {
      if (this.variables[index]!.name === node.name) return this.variables[index]!.value;
    }
    this.current = node;
    this.fail(`undefined variable: ${node.name}`);
  }

  private evalArg(dot: unknown, operand: Operand): unknown {
    switch (operand.kind) {
      case 'dot':
        return dot;
      case 'nil':
        return null;
      case 'bool':
      case 'number':
      case 'string':
        return operand.value;
      case 'field':
        return this.evalFieldChain(dot, dot, operand.names, operand, [], undefined);
      case 'variable': {
        const value = this.lookupVariable(operand);
        return operand.names.length === 0 ? value : this.evalFieldChain(dot, value, operand.names, operand, [], undefined);
      }
      case 'chain':
        return this.evalFieldChain(dot, this.evalArg(dot, operand.node), operand.names, operand, [], undefined);
      case 'pipeline':
        return this.evalPipeline(dot, operand.pipeline);
      case 'identifier':
        return this.callFunction(dot, operand, [], undefined);
    }
  }

  private evalFieldChain(dot: unknown, receiver: unknown, names: string[], node: Operand, args: Operand[], final: { value: unknown } | undefined): unknown {
    let value = receiver;
    names.forEach((name, index) => {
      const last = index === names.length - 1;
      value = this.evalField(dot, value, name, node, last ? args : [], last ? final : undefined, last);
    });
    return value;
  }

  private evalField(dot: unknown, receiver: unknown, name: string, node: Operand, args: Operand[], final: { value: unknown } | undefined, last: boolean): unknown {
    this.current = node;
    const hasArgs = args.length > 0 || final !== undefined;
    if (receiver === null || receiver === undefined) this.fail(`nil pointer evaluating ${receiverTypeName(receiver)}.${name}`);
    if (typeof receiver === 'object' && !Array.isArray(receiver)) {
      const record = receiver as Record<string, unknown>;
      if (!isPlainObject(receiver)) {
        const member = record[name];
        if (typeof member === 'function') {
          const values = args.map((arg) => this.evalArg(dot, arg));
          if (final) values.push(final.value);
          this.current = node;
          return (member as TemplateFunction).apply(receiver, values);
        }
        if (member === undefined || name.startsWith('_') || name === 'goTypeName') {
          this.fail(`can't evaluate field ${name} in type ${receiverTypeName(receiver)}`);
        }
        if (hasArgs) this.fail(`${name} is not a method but has arguments`);
        return member;
      }
      if (hasArgs) this.fail(`${name} is not a method but has arguments`);
      if (Object.hasOwn(record, name)) return record[name];
      const alias = this.options.fieldAliases?.[name];
      if (alias !== undefined && Object.hasOwn(record, alias)) return record[alias];
      if (this.options.missingKey === 'error') this.fail(`map has no entry for key "${name}"`);
      return last ? undefined : undefined;
    }
    this.fail(`can't evaluate field ${name} in type ${receiverTypeName(receiver)}`);
  }

  private callFunction(dot: unknown, node: Extract<Operand, { kind: 'identifier' }>, args: Operand[], final: { value: unknown } | undefined): unknown {
    const fn = this.funcs[node.name];
    if (!fn) {
      this.current = node;
      this.fail(`"${node.name}" is not a defined function`);
    }
    if (LAZY.has(node.name)) {
      // and/or: stop at the first false/true argument, returning it.
      const operands: (() => unknown)[] = args.map((arg) => () => this.evalArg(dot, arg));
      if (final) operands.push(() => final.value);
      if (operands.length === 0) this.fail(`wrong number of args for ${node.name}: want at least 1 got 0`);
      let value: unknown;
      for (const operand of operands) {
        value = operand();
        if (node.name === 'and' ? !isTrue(value) : isTrue(value)) return value;
      }
      return value;
    }
    const values = args.map((arg) => this.evalArg(dot, arg));
    if (final) values.push(final.value);
    this.current = node;
    try {
      return fn(...values);
    } catch (err) {
      if (err instanceof TemplateError) throw err;
      this.fail(`error calling ${node.name}: ${(err as Error).message}`);
    }
  }
}

/** Names of functions a template calls, for the parse-time "function not defined" check. */
export function calledFunctions(nodes: Node[]): Set<string> {
  const names = new Set<string>();
  const visitOperand = (operand: Operand): void => {
    if (operand.kind === 'identifier') names.add(operand.name);
    if (operand.kind === 'pipeline') visitPipeline(operand.pipeline);
    if (operand.kind === 'chain') visitOperand(operand.node);
  };
  const visitPipeline = (pipeline: Pipeline): void => {
    for (const command of pipeline.commands) for (const arg of command.args) visitOperand(arg);
  };
  const visit = (list: Node[]): void => {
    for (const node of list) {
      if (node.kind === 'action') visitPipeline(node.pipeline);
      if (node.kind === 'if' || node.kind === 'with' || node.kind === 'range') {
        visitPipeline(node.pipeline);
        visit(node.list);
        if (node.elseList) visit(node.elseList);
      }
    }
  };
  visit(nodes);
  return names;
}

// Variable substitution in compose strings (pure): `$VAR`, `${VAR}`, `${VAR:-default}`,
// `${VAR-default}`, `${VAR:?err}`, `${VAR?err}`, `${VAR:+alt}`, `${VAR+alt}`, nesting in the
// default/alternative, and `$$` for a literal `$`. Same rules as compose-go's template package.

export type Lookup = (name: string) => string | undefined;

export class TemplateError extends Error {
  constructor(
    readonly reason: 'invalid' | 'required',
    message: string,
    readonly variable?: string,
  ) {
    super(message);
    this.name = 'TemplateError';
  }
}

const NAME_START = /[_a-zA-Z]/;
const NAME_CHARS = /^[_a-zA-Z][_a-zA-Z0-9]*/;
const OPERATORS = [':?', '?', ':-', '-', ':+', '+'] as const;

/** Substitutes every variable reference of `template`; throws TemplateError. */
export function substitute(template: string, lookup: Lookup): string {
  if (!template.includes('$')) return template;
  let out = '';
  let i = 0;
  while (i < template.length) {
    const c = template[i];
    if (c !== '$') {
      out += c;
      i++;
      continue;
    }
    const next = template[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
      continue;
    }
    if (next !== undefined && NAME_START.test(next)) {
      const name = NAME_CHARS.exec(template.slice(i + 1))![0];
      out += lookup(name) ?? '';
      i += 1 + name.length;
      continue;
    }
    if (next === '{') {
      const close = closingBrace(template, i);
      if (close < 0) throw invalid(template);
      out += braced(template.slice(i + 2, close), template, lookup);
      i = close + 1;
      continue;
    }
    out += '$';
    i++;
  }
  return out;
}

/** Index of the `}` closing the `${` at `start`, counting nested `${`, or -1. */
function closingBrace(s: string, start: number): number {
  let open = 0;
  for (let i = start; i < s.length; i++) {
    if (s[i] === '}') {
      open--;
      if (open === 0) return i;
    }
    if (s[i] === '{') {
      open++;
      i++;
    }
  }
  return -1;
}

function braced(inner: string, template: string, lookup: Lookup): string {
  const match = NAME_CHARS.exec(inner);
  if (match === null) throw invalid(template);
  const name = match[0];
  const rest = inner.slice(name.length);
  if (rest === '') return lookup(name) ?? '';
  const op = OPERATORS.find((candidate) => rest.startsWith(candidate));
  if (op === undefined) throw invalid(template);
  const arg = rest.slice(op.length);
  const value = lookup(name);
  switch (op) {
    case ':-':
      return value === undefined || value === '' ? substitute(arg, lookup) : value;
    case '-':
      return value === undefined ? substitute(arg, lookup) : value;
    case ':+':
      return value !== undefined && value !== '' ? substitute(arg, lookup) : (value ?? '');
    case '+':
      return value !== undefined ? substitute(arg, lookup) : '';
    case ':?':
    case '?': {
      const missing = value === undefined || (op === ':?' && value === '');
      if (!missing) return value;
      const reason = substitute(arg, lookup);
      throw new TemplateError(
        'required',
        reason !== '' ? `required variable ${name} is missing a value: ${reason}` : `required variable ${name} is missing a value`,
        name,
      );
    }
  }
}

function invalid(template: string): TemplateError {
  return new TemplateError('invalid', `invalid interpolation format ${JSON.stringify(template)}: you may need to escape any $ with another $`);
}

/** Names referenced by `template` (for `config --variables` style tooling and tests). */
export function referencedVariables(template: string): string[] {
  const names = new Set<string>();
  try {
    substitute(template, (name) => {
      names.add(name);
      return 'x';
    });
  } catch {
    // an invalid template references nothing usable
  }
  return [...names];
}

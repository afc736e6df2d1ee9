// docker's formatter.Context.Write for the CLI (pure): `table`/`json`/custom formats, header row
// rendering through header functions, and tabwriter alignment for tables.
import { HEADER_FUNCTIONS } from '../template/funcs.js';
import { Template, TemplateError, type MethodReceiver } from '../template/template.js';
import { tabwrite } from './tabwriter.js';

export class FormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FormatError';
  }
}

/** Header texts by field name, plus `.Label "k"` giving the key's last segment (docker's SubHeaderContext). */
export class HeaderContext implements MethodReceiver {
  readonly goTypeName = 'formatter.SubHeaderContext';
  constructor(headers: Record<string, string>) {
    Object.assign(this, headers);
  }
  Label(name: string): string {
    const segments = name.split('.');
    return segments[segments.length - 1]!.replace(/[-_]/g, ' ');
  }
}

/**
 * A row context: zero-argument methods are the fields a format can name; toJSON gives
 * `{{json .}}` all of them, as docker's MarshalJSON does by reflection.
 */
export abstract class RowContext implements MethodReceiver {
  abstract readonly goTypeName: string;
  protected abstract readonly jsonFields: readonly string[];

  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const field of this.jsonFields) {
      const member = (this as unknown as Record<string, unknown>)[field];
      out[field] = typeof member === 'function' ? (member as () => unknown).call(this) : member;
    }
    return out;
  }
}

export function isTableFormat(format: string): boolean {
  return format.startsWith('table');
}

/** The template text docker derives from a --format value. */
export function templateText(format: string): string {
  let text = format;
  if (isTableFormat(text)) text = text.slice('table'.length);
  else if (text === 'json') text = '{{json .}}';
  return text.trim().replaceAll('\\t', '\t').replaceAll('\\n', '\n');
}

export function compileFormat(format: string): Template {
  try {
    return Template.compile(templateText(format));
  } catch (err) {
    if (err instanceof TemplateError) throw new FormatError(`template parsing error: ${err.message}`);
    throw err;
  }
}

/** Renders rows with a format; in table mode prepends the header and aligns columns. */
export function renderRows(format: string, rows: readonly unknown[], headers: Record<string, string>): string {
  const template = compileFormat(format);
  let body = '';
  for (const row of rows) {
    try {
      body += `${template.execute(row)}\n`;
    } catch (err) {
      if (err instanceof TemplateError) throw new FormatError(`template parsing error: ${err.message}`);
      throw err;
    }
  }
  if (!isTableFormat(format)) return body;
  let header = '';
  try {
    header = template.execute(new HeaderContext(headers), { overrides: HEADER_FUNCTIONS });
  } catch {
    // docker ignores header execution errors and prints what was rendered (usually nothing).
  }
  return tabwrite(`${header}\n${body}`);
}

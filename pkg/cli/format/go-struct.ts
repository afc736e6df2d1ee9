// Typed views of daemon JSON for templates (pure): docker runs inspect templates on Go structs, so
// `{{.Created}}` prints a time.Time and `{{.IPAM.Config}}` prints `[{10.0.0.0/24  10.0.0.1 map[]}]`.
// A GoStruct keeps Go's field order, errors and %v printing while `{{json .}}` stays the wire form.
import { formatValue } from '../template/gofmt.js';
import type { MethodReceiver } from '../template/template.js';

/** A struct value: fields as properties in Go's order, %v as `{v1 v2 …}`, JSON as given. */
export class GoStruct implements MethodReceiver {
  readonly goTypeName: string;
  readonly #json: unknown;
  readonly #values: unknown[];

  constructor(goTypeName: string, fields: readonly (readonly [string, unknown])[], json: unknown) {
    this.goTypeName = goTypeName;
    this.#json = json;
    this.#values = fields.map(([, value]) => value);
    for (const [name, value] of fields) Object.defineProperty(this, name, { value, enumerable: true });
  }

  goString(): string {
    return `{${this.#values.map((value) => formatValue(value, true)).join(' ')}}`;
  }

  toJSON(): unknown {
    return this.#json;
  }
}

const RFC3339 = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/;

/** A time.Time from an RFC 3339 string: %v is Go's `2006-01-02 15:04:05.999999999 -0700 MST`. */
export class GoTime implements MethodReceiver {
  readonly goTypeName = 'time.Time';
  constructor(private readonly text: string) {}

  goString(): string {
    const match = RFC3339.exec(this.text);
    if (!match) return this.text;
    const [, date, time, fraction = '', zone] = match;
    const trimmed = fraction.replace(/0+$/, '');
    const offset = zone === 'Z' ? '+0000 UTC' : `${zone!.replace(':', '')} ${zone!.replace(':', '')}`;
    return `${date} ${time}${trimmed ? `.${trimmed}` : ''} ${offset}`;
  }

  /** Go marshals times as RFC 3339 with trailing zeros of the fraction dropped. */
  toJSON(): string {
    const match = RFC3339.exec(this.text);
    if (!match) return this.text;
    const [, date, time, fraction = '', zone] = match;
    const trimmed = fraction.replace(/0+$/, '');
    return `${date}T${time}${trimmed ? `.${trimmed}` : ''}${zone}`;
  }
}

/** A JSON object or null as a Go map (nil prints `map[]`). */
export function goMap(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

export function goString(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

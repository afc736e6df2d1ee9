// `berth inspect`, `container inspect`, `image inspect`: the daemon's JSON re-indented, or a Go
// template applied to each object (docker's inspect.Inspect, including its error reporting).
import type { EngineClient } from '../../client/index.js';
import { isNotFound } from '../../errdefs/index.js';
import { StatusError } from '../errors.js';
import { errorText } from '../error-text.js';
import { compactJson, indentJson } from '../format/json-indent.js';
import { networkView } from '../format/network-context.js';
import { volumeView } from '../format/volume-context.js';
import { GO_FIELD_ALIASES } from '../template/go-fields.js';
import { goMaps } from '../template/gofmt.js';
import { Template, TemplateError } from '../template/template.js';
import type { CommandContext, CommandRunner, Flags } from '../spec.js';
import { write } from './shared.js';

/** The daemon's JSON for a reference, with the inspect style of its type when it is not the default. */
type RawLookup = (reference: string) => Promise<string | { raw: string; style: InspectStyle }>;

/** How docker's inspect treats an object type. */
export interface InspectStyle {
  /** The typed Go value templates run on first (docker's typed element). */
  view?: (parsed: unknown) => unknown;
  /** After a template error on the view, retry on the raw JSON with missingkey=error (docker's raw fallback). */
  rawFallback?: boolean;
  /** Print the view's JSON, not the daemon's bytes (docker has no raw bytes for volumes). */
  printView?: boolean;
}

/** Go's json.Marshal escaping of HTML-significant characters (they only occur inside strings). */
function marshalGo(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

export const NETWORK_INSPECT: InspectStyle = { view: networkView, rawFallback: true };
export const VOLUME_INSPECT: InspectStyle = { view: volumeView, printView: true };

function executeOn(template: Template, raw: string, style: InspectStyle): string {
  const parsed = JSON.parse(raw) as unknown;
  if (!style.view) {
    // Go executes on the typed struct first; for JSON data both paths behave like the raw
    // fallback (missingkey=error) except that a missing key prints "<no value>" there.
    return template.execute(parsed, { fieldAliases: GO_FIELD_ALIASES });
  }
  try {
    return template.execute(style.view(parsed));
  } catch (err) {
    if (!(err instanceof TemplateError) || !style.rawFallback) throw err;
    return template.execute(goMaps(parsed), { missingKey: 'error' });
  }
}

const OBJECT_TYPES = ['config', 'container', 'image', 'network', 'node', 'plugin', 'secret', 'service', 'task', 'volume'];

/** docker's inspect.Inspect: collects each object (or its error), then prints and fails with all errors. */
export async function inspectObjects(context: CommandContext, references: readonly string[], format: string, lookup: RawLookup, style: InspectStyle = {}): Promise<void> {
  let template: Template | undefined;
  if (format !== '' && format !== 'json') {
    try {
      template = Template.compile(format);
    } catch (err) {
      if (err instanceof TemplateError) throw new StatusError(64, `template parsing error: ${err.message}`);
      throw err;
    }
  }
  const raws: string[] = [];
  const rendered: string[] = [];
  const errors: string[] = [];
  for (const reference of references) {
    let raw: string;
    let objectStyle = style;
    try {
      const found = await lookup(reference);
      if (typeof found === 'string') raw = found;
      else ({ raw, style: objectStyle } = found);
    } catch (err) {
      errors.push(errorText(err));
      continue;
    }
    if (!template) {
      raws.push(objectStyle.printView && objectStyle.view ? marshalGo(objectStyle.view(JSON.parse(raw) as unknown)) : raw);
      continue;
    }
    try {
      rendered.push(executeOn(template, raw, objectStyle));
    } catch (err) {
      if (err instanceof TemplateError) errors.push(`template parsing error: ${err.message}`);
      else errors.push(errorText(err));
    }
  }
  let output: string;
  if (template) output = rendered.length === 0 ? '\n' : rendered.map((text) => `${text}\n`).join('');
  else if (raws.length === 0) output = '[]\n';
  else if (format === 'json') output = `${compactJson(`[${raws.join(',')}]`)}\n`;
  else output = `${indentJson(`[${raws.join(',')}]`)}\n`;
  await write(context.stdout, output);
  if (errors.length > 0) throw new StatusError(1, errors.join('\n'));
}

export const inspectContainers: CommandRunner = async (context, args, flags) => {
  const client = context.client();
  await inspectObjects(context, args, flags.string('format') ?? '', (id) => client.containers.inspectRaw(id, { size: flags.bool('size') }));
};

export const inspectImages: CommandRunner = async (context, args, flags) => {
  const client = context.client();
  await inspectObjects(context, args, flags.string('format') ?? '', (name) => client.images.inspectRaw(name));
};

function autodetect(client: EngineClient, flags: Flags, context: CommandContext): RawLookup {
  const type = flags.string('type') ?? '';
  const size = flags.bool('size');
  const inspectors: { type: string; sizeSupported: boolean; lookup: RawLookup }[] = [
    { type: 'container', sizeSupported: true, lookup: (ref) => client.containers.inspectRaw(ref, { size }) },
    { type: 'image', sizeSupported: false, lookup: (ref) => client.images.inspectRaw(ref) },
    // `berth inspect` has the daemon's bytes for both (`volume inspect` prints the typed value).
    { type: 'network', sizeSupported: false, lookup: async (ref) => ({ raw: await client.networks.inspectRaw(ref), style: NETWORK_INSPECT }) },
    { type: 'volume', sizeSupported: false, lookup: async (ref) => ({ raw: await client.volumes.inspectRaw(ref), style: { view: volumeView, rawFallback: true } }) },
  ];
  return async (reference) => {
    for (const inspector of inspectors) {
      if (type !== '' && inspector.type !== type) continue;
      try {
        const raw = await inspector.lookup(reference);
        if (size && !inspector.sizeSupported) context.stderr.write(`WARNING: --size ignored for ${inspector.type}\n`);
        return raw;
      } catch (err) {
        const skippable = isNotFound(err) || /not supported|invalid reference format/.test((err as Error).message ?? '');
        if (type === '' && skippable) continue;
        throw err;
      }
    }
    throw new Error(`Error: No such object: ${reference}`);
  };
}

export const inspectAny: CommandRunner = async (context, args, flags) => {
  const type = flags.string('type');
  if (flags.changed('type') && type === '') throw new StatusError(1, `type is empty: must be one of "${OBJECT_TYPES.join('", "')}"`);
  if (type !== undefined && type !== '' && !OBJECT_TYPES.includes(type)) {
    throw new StatusError(1, `unknown type: ${JSON.stringify(type)}: must be one of "${OBJECT_TYPES.join('", "')}"`);
  }
  await inspectObjects(context, args, flags.string('format') ?? '', autodetect(context.client(), flags, context));
};

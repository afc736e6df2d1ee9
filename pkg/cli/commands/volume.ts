// `berth volume` commands: create, ls, inspect and rm, as docker's volume commands do them.
// `volume prune` lives with the other prunes.
import type { VolumeCreateRequest } from '../../client/index.js';
import { StatusError } from '../errors.js';
import { errorText } from '../error-text.js';
import { renderRows } from '../format/formatter.js';
import { VOLUME_HEADERS, VolumeContext, volumeFormat } from '../format/volume-context.js';
import { keyValueMap, sortedMap, validateLabel } from '../options/values.js';
import type { CommandRunner } from '../spec.js';
import { inspectObjects, VOLUME_INSPECT } from './inspect.js';
import { naturalLess } from './inspection.js';
import { mapFlag, validatedList } from './network.js';
import { filterFlag, write, writeLine } from './shared.js';

export const createVolume: CommandRunner = async (context, args, flags) => {
  let name = flags.string('name') ?? '';
  if (args.length === 1) {
    if (name !== '') throw new StatusError(1, 'conflicting options: cannot specify a volume-name through both --name and as a positional arg');
    name = args[0]!;
  }
  const labels = sortedMap(keyValueMap(validatedList(flags, { long: 'label' }, validateLabel)));
  const options = mapFlag(flags, 'opt');
  // docker's client leaves empty maps and an empty name out of the request (omitempty).
  const body: VolumeCreateRequest = {
    Driver: flags.string('driver') ?? 'local',
    ...(Object.keys(options).length > 0 ? { DriverOpts: options } : {}),
    ...(Object.keys(labels).length > 0 ? { Labels: labels } : {}),
    ...(name !== '' ? { Name: name } : {}),
  };
  const volume = await context.client().volumes.create(body);
  await writeLine(context.stdout, volume.Name);
};

export const listVolumes: CommandRunner = async (context, _args, flags) => {
  const filters = filterFlag(flags);
  const response = await context.client().volumes.list({ filters });
  const volumes = [...(response.Volumes ?? [])].sort((a, b) => naturalLess(a.Name, b.Name));
  const format = volumeFormat(flags.string('format') ?? '', flags.bool('quiet'));
  try {
    await write(context.stdout, renderRows(format, volumes.map((volume) => new VolumeContext(volume)), VOLUME_HEADERS));
  } catch (err) {
    throw new StatusError(1, (err as Error).message);
  }
};

export const inspectVolumes: CommandRunner = async (context, args, flags) => {
  const client = context.client();
  await inspectObjects(context, args, flags.string('format') ?? '', (name) => client.volumes.inspectRaw(name), VOLUME_INSPECT);
};

export const removeVolumes: CommandRunner = async (context, args, flags) => {
  const client = context.client();
  const errors: string[] = [];
  for (const name of args) {
    try {
      await client.volumes.remove(name, { force: flags.bool('force') });
    } catch (err) {
      errors.push(errorText(err));
      continue;
    }
    await writeLine(context.stdout, name);
  }
  if (errors.length > 0) throw new StatusError(1, errors.join('\n'));
};

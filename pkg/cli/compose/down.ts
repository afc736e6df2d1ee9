// `berth compose down`: stop and remove the project's containers and networks (-v volumes, --rmi
// images), from the compose file or, without one, from -p and the resources' labels.
import { composeDown } from '../../compose/index.js';
import { StatusError } from '../errors.js';
import type { ComposeRunner } from './main.js';
import { intValue } from './up.js';

export const down: ComposeRunner = async (context, args, flags) => {
  const rmi = flags.string('rmi');
  if (rmi !== undefined && rmi !== 'local' && rmi !== 'all') throw new StatusError(1, `invalid value for --rmi: ${rmi}`);
  const { name, project } = context.projectOrName();
  await composeDown(
    name,
    project,
    { removeOrphans: flags.bool('remove-orphans'), volumes: flags.bool('volumes'), images: rmi as 'local' | 'all' | undefined, timeoutSeconds: intValue(flags, 'timeout'), services: args },
    { client: context.client(), progress: context.progress(), warn: context.warn, parallel: context.compose.parallel },
  );
};

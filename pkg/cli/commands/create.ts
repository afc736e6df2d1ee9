// `berth create`: create a container from the run/create flags and print its ID.
import type { CommandRunner } from '../spec.js';
import { createContainer, planCreate } from './container-create.js';
import { writeLine } from './shared.js';

export const create: CommandRunner = async (context, args, flags) => {
  const plan = planCreate(context, args, flags);
  const id = await createContainer(context, plan, { quiet: flags.bool('quiet') });
  await writeLine(context.stdout, id);
};

// `berth compose pull`, `push` and `build`: registry pulls and pushes and image builds, all done by
// the engine (POST /images/create, /images/{name}/push, /build) through pkg/compose's driver.
import { throwIfJsonMessageError } from '../../client/index.js';
import { buildServiceGraph, engineImageBuilder, NO_PROGRESS, pullImage, serviceImageName, settleAll, splitImageReference, withDependencies } from '../../compose/index.js';
import { parseBuildArgs } from '../commands/build.js';
import type { ComposeRunner } from './main.js';

export const pull: ComposeRunner = async (context, args, flags) => {
  const project = context.loadProject({ services: args });
  const client = context.client();
  const named = args.length === 0 ? Object.keys(project.services) : flags.bool('include-deps') ? withDependencies(buildServiceGraph(project.services), args) : args;
  const images = new Set<string>();
  for (const name of named) {
    const service = project.services[name]!;
    if (service.image === undefined || service.image === '') continue;
    if (service.build !== undefined && flags.bool('ignore-buildable')) continue;
    images.add(service.image);
  }
  const progress = flags.bool('quiet') ? undefined : context.progress();
  progress?.start('Pulling');
  try {
    await settleAll(
      [...images].sort().map(async (image) => {
        try {
          await pullImage(client, image, progress ?? NO_PROGRESS);
        } catch (err) {
          if (!flags.bool('ignore-pull-failures')) throw err;
          context.warn(`failed to pull ${image}: ${(err as Error).message}`);
        }
      }),
    );
  } finally {
    progress?.done();
  }
};

export const push: ComposeRunner = async (context, args, flags) => {
  const project = context.loadProject({ services: args });
  const client = context.client();
  const named = args.length === 0 ? Object.keys(project.services) : flags.bool('include-deps') ? withDependencies(buildServiceGraph(project.services), args) : args;
  const progress = flags.bool('quiet') ? undefined : context.progress();
  progress?.start('Pushing');
  try {
    for (const name of named) {
      const service = project.services[name]!;
      if (service.build === undefined || service.image === undefined || service.image === '') continue;
      const id = `Image ${service.image}`;
      progress?.on({ id, status: 'working', text: 'Pushing' });
      try {
        const { name: repository, tag } = splitImageReference(service.image);
        for await (const message of client.images.push(repository, { tag })) throwIfJsonMessageError(message);
        progress?.on({ id, status: 'done', text: 'Pushed' });
      } catch (err) {
        progress?.on({ id, status: 'error', text: 'Error', details: (err as Error).message });
        if (!flags.bool('ignore-push-failures')) throw err;
      }
    }
  } finally {
    progress?.done();
  }
};

export const build: ComposeRunner = async (context, args, flags) => {
  const project = context.loadProject({ services: args });
  const client = context.client();
  const buildable = (args.length === 0 ? Object.keys(project.services).sort() : args).filter((name) => project.services[name]?.build !== undefined);
  const quiet = flags.bool('quiet');
  const builder = engineImageBuilder(client, {
    noCache: flags.bool('no-cache'),
    pull: flags.bool('pull'),
    buildArgs: parseBuildArgs(flags.list('build-arg'), context.env),
    output: quiet ? undefined : (text) => context.stderr.write(text),
  });
  const progress = quiet ? NO_PROGRESS : context.progress();
  progress.start('Building');
  try {
    for (const name of buildable) await builder.build(project, name, serviceImageName(project.name, name, project.services[name]!.image), { progress });
  } finally {
    progress.done();
  }
};

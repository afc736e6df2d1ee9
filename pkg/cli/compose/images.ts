// `berth compose pull`, `push` and `build`. Pull and push go through the engine's registry client;
// build needs the image builder, which Berth does not have yet: services with `build:` get a clear
// error (the seam is pkg/compose's ImageBuilder).
import { throwIfJsonMessageError } from '../../client/index.js';
import { buildServiceGraph, ComposeError, NO_PROGRESS, pullImage, serviceImageName, settleAll, splitImageReference, withDependencies } from '../../compose/index.js';
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

export const build: ComposeRunner = async (context, args) => {
  const project = context.loadProject({ services: args });
  const buildable = (args.length === 0 ? Object.keys(project.services) : args).filter((name) => project.services[name]?.build !== undefined);
  if (buildable.length === 0) return;
  const images = buildable.map((name) => serviceImageName(project.name, name, project.services[name]!.image));
  throw new ComposeError('generic', `Berth has no image builder yet: cannot build ${buildable.map((s, i) => `${s} (${images[i]})`).join(', ')}; build or import the images another way`);
};

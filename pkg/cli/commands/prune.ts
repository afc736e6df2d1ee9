// `container prune`, `image prune`, `network prune`, `volume prune` and `system prune`: confirmation
// prompt, the daemon's prune endpoints in docker's order, and docker's report texts.
import { compareApiVersions, type Filters } from '../../client/index.js';
import { StatusError } from '../errors.js';
import { humanSize } from '../format/units.js';
import type { CommandContext, CommandRunner } from '../spec.js';
import { naturalLess } from './inspection.js';
import { filterFlag, write } from './shared.js';

/** Reads one line from stdin; an empty stdin answers "no". */
function readLine(context: CommandContext): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    const finish = (): void => {
      context.stdin.off('data', onData);
      context.stdin.off('end', finish);
      context.stdin.pause();
      resolve(text.split('\n')[0]!.trim());
    };
    const onData = (chunk: Buffer | string): void => {
      text += chunk.toString();
      if (text.includes('\n')) finish();
    };
    context.stdin.on('data', onData);
    context.stdin.on('end', finish);
    context.stdin.resume();
  });
}

/** docker's prompt.Confirm: `<message> [y/N] `, true only for y/Y. */
export async function confirm(context: CommandContext, message: string): Promise<boolean> {
  await write(context.stdout, `${message} [y/N] `);
  const answer = await readLine(context);
  return answer === 'y' || answer === 'Y';
}

/** A declined prompt: docker exits 0 and prints nothing more. */
class Cancelled extends StatusError {
  constructor() {
    super(0);
  }
}

async function pruneContainersStep(context: CommandContext, filters: Filters): Promise<{ space: number; output: string }> {
  const report = await context.client().containers.prune({ filters });
  const deleted = report.ContainersDeleted ?? [];
  if (deleted.length === 0) return { space: 0, output: '' };
  return { space: report.SpaceReclaimed, output: `Deleted Containers:\n${deleted.map((id) => `${id}\n`).join('')}` };
}

async function pruneImagesStep(context: CommandContext, filters: Filters, all: boolean): Promise<{ space: number; output: string }> {
  const report = await context.client().images.prune({ filters: { ...filters, dangling: [String(!all)] } });
  const deleted = report.ImagesDeleted ?? [];
  if (deleted.length === 0) return { space: 0, output: '' };
  const lines = deleted.map((item) => (item.Untagged ? `untagged: ${item.Untagged}\n` : `deleted: ${item.Deleted ?? ''}\n`));
  return { space: report.SpaceReclaimed, output: `Deleted Images:\n${lines.join('')}` };
}

async function pruneNetworksStep(context: CommandContext, filters: Filters): Promise<{ space: number; output: string }> {
  const report = await context.client().networks.prune({ filters });
  const deleted = report.NetworksDeleted ?? [];
  return { space: 0, output: deleted.length === 0 ? '' : `Deleted Networks:\n${deleted.map((name) => `${name}\n`).join('')}` };
}

async function pruneVolumesStep(context: CommandContext, filters: Filters): Promise<{ space: number; output: string }> {
  const report = await context.client().volumes.prune({ filters });
  const deleted = report.VolumesDeleted ?? [];
  if (deleted.length === 0) return { space: 0, output: '' };
  return { space: report.SpaceReclaimed, output: `Deleted Volumes:\n${deleted.map((name) => `${name}\n`).join('')}` };
}

async function pruneBuildCacheStep(context: CommandContext, filters: Filters, all: boolean): Promise<{ space: number; output: string }> {
  const report = await context.client().pruneBuildCache({ all, filters });
  const deleted = report?.CachesDeleted ?? [];
  if (!report || deleted.length === 0) return { space: report?.SpaceReclaimed ?? 0, output: '' };
  return { space: report.SpaceReclaimed, output: `Deleted build cache objects:\n${deleted.map((id) => `${id}\n`).join('')}` };
}

async function report(context: CommandContext, steps: { space: number; output: string }[]): Promise<void> {
  let total = 0;
  for (const step of steps) {
    total += step.space;
    if (step.output !== '') await write(context.stdout, `${step.output}\n`);
  }
  await write(context.stdout, `Total reclaimed space: ${humanSize(total)}\n`);
}

async function guarded(run: () => Promise<void>): Promise<number> {
  try {
    await run();
    return 0;
  } catch (err) {
    if (err instanceof Cancelled) return 0;
    throw err;
  }
}

export const pruneContainers: CommandRunner = (context, _args, flags) =>
  guarded(async () => {
    const filters = filterFlag(flags, { long: 'filter' });
    if (!flags.bool('force') && !(await confirm(context, 'WARNING! This will remove all stopped containers.\nAre you sure you want to continue?'))) throw new Cancelled();
    await report(context, [await pruneContainersStep(context, filters)]);
  });

export const pruneImages: CommandRunner = (context, _args, flags) =>
  guarded(async () => {
    const filters = filterFlag(flags, { long: 'filter' });
    const all = flags.bool('all');
    const warning = all
      ? 'WARNING! This will remove all images without at least one container associated to them.\nAre you sure you want to continue?'
      : 'WARNING! This will remove all dangling images.\nAre you sure you want to continue?';
    if (!flags.bool('force') && !(await confirm(context, warning))) throw new Cancelled();
    await report(context, [await pruneImagesStep(context, filters, all)]);
  });

export const pruneNetworks: CommandRunner = (context, _args, flags) =>
  guarded(async () => {
    const filters = filterFlag(flags, { long: 'filter' });
    const warning = 'WARNING! This will remove all custom networks not used by at least one container.\nAre you sure you want to continue?';
    if (!flags.bool('force') && !(await confirm(context, warning))) throw new Cancelled();
    const { output } = await pruneNetworksStep(context, filters);
    // Unlike the other prunes, docker prints no total for networks (they take no space).
    if (output !== '') await write(context.stdout, `${output}\n`);
  });

export const pruneVolumes: CommandRunner = (context, _args, flags) =>
  guarded(async () => {
    const filters: Record<string, readonly string[]> = { ...filterFlag(flags, { long: 'filter' }) };
    let warning = 'WARNING! This will remove anonymous local volumes not used by at least one container.\nAre you sure you want to continue?';
    const allWarning = 'WARNING! This will remove all local volumes not used by at least one container.\nAre you sure you want to continue?';
    // Before API 1.42 the daemon pruned named volumes too; since then only with all=true.
    if (compareApiVersions(await context.client().apiVersion(), '1.42') >= 0) {
      if (flags.bool('all')) {
        if (filters.all) throw new StatusError(1, 'conflicting options: cannot specify both --all and --filter all=1');
        filters.all = ['true'];
        warning = allWarning;
      }
    } else {
      warning = allWarning;
    }
    if (!flags.bool('force') && !(await confirm(context, warning))) throw new Cancelled();
    await report(context, [await pruneVolumesStep(context, filters)]);
  });

/** The confirmation text of `system prune`. */
export function systemPruneWarning(options: { volumes: boolean; all: boolean; filters: Filters }): string {
  const warnings = ['all stopped containers', 'all networks not used by at least one container'];
  if (options.volumes) warnings.push('all anonymous volumes not used by at least one container');
  warnings.push(options.all ? 'all images without at least one container associated to them' : 'all dangling images');
  warnings.push(options.all ? 'all build cache' : 'unused build cache');
  const filters: string[] = [];
  for (const name of ['label', 'label!', 'until']) for (const value of options.filters[name] ?? []) filters.push(`${name}=${value}`);
  filters.sort(naturalLess);
  let text = `WARNING! This will remove:${warnings.map((warning) => `\n  - ${warning}`).join('')}\n`;
  if (filters.length > 0) text += `\n  Items to be pruned will be filtered with:${filters.map((filter) => `\n  - ${filter}`).join('')}\n`;
  return `${text}\nAre you sure you want to continue?`;
}

export const pruneSystem: CommandRunner = (context, _args, flags) =>
  guarded(async () => {
    const filters = filterFlag(flags, { long: 'filter' });
    const volumes = flags.bool('volumes');
    const all = flags.bool('all');
    if (volumes && filters.until) throw new StatusError(1, 'ERROR: The "until" filter is not supported with "--volumes"');
    if (!flags.bool('force') && !(await confirm(context, systemPruneWarning({ volumes, all, filters })))) throw new Cancelled();
    const steps = [await pruneContainersStep(context, filters), await pruneNetworksStep(context, filters)];
    if (volumes) steps.push(await pruneVolumesStep(context, filters));
    steps.push(await pruneImagesStep(context, filters, all));
    steps.push(await pruneBuildCacheStep(context, filters, all));
    await report(context, steps);
  });

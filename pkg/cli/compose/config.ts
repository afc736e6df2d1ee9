// `berth compose config` (the canonical model, or its listings, from pkg/compose's runComposeConfig)
// and `compose version`.
import { writeFileSync } from 'node:fs';
import { COMPOSE_VERSION, nodeFileSystem, runComposeConfig } from '../../compose/index.js';
import { BERTH_VERSION } from '../build-info.js';
import { StatusError } from '../errors.js';
import type { ComposeRunner } from './main.js';

export const config: ComposeRunner = async (context, args, flags) => {
  const format = flags.string('format');
  if (format !== undefined && format !== 'yaml' && format !== 'json') throw new StatusError(1, `unsupported format "${format}"`);
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(context.env)) if (value !== undefined) env[key] = value;
  const output = runComposeConfig({
    cwd: context.cwd,
    env,
    fs: nodeFileSystem,
    files: context.compose.files,
    projectName: context.compose.projectName,
    projectDirectory: context.compose.projectDirectory,
    profiles: context.compose.profiles,
    envFiles: context.compose.envFiles,
    services: args,
    format: format as 'yaml' | 'json' | undefined,
    noEnvResolution: flags.bool('no-env-resolution'),
    normalize: !flags.bool('no-normalize'),
    consistency: !flags.bool('no-consistency'),
    listServices: flags.bool('services'),
    listVolumes: flags.bool('volumes'),
    listNetworks: flags.bool('networks'),
    listProfiles: flags.bool('profiles'),
    listImages: flags.bool('images'),
    hash: flags.string('hash'),
  });
  if (flags.bool('quiet')) return;
  const file = flags.string('output');
  if (file !== undefined && file !== '') writeFileSync(file, output);
  else context.stdout.write(output);
};

export const version: ComposeRunner = async (context, _args, flags) => {
  const format = flags.string('format') ?? 'pretty';
  if (flags.bool('short')) context.stdout.write(`${COMPOSE_VERSION}\n`);
  else if (format === 'json') context.stdout.write(`${JSON.stringify({ version: `v${COMPOSE_VERSION}`, berth: BERTH_VERSION })}\n`);
  else context.stdout.write(`Berth Compose version v${COMPOSE_VERSION} (berth ${BERTH_VERSION})\n`);
};

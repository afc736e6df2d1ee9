// Executing one instruction of a stage (effectful), the legacy builder's way: every instruction
// commits an image whose parent is the previous step's, metadata-only steps through a created (never
// started) intermediate container and an empty layer, RUN in a started container whose filesystem
// changes become the layer. Each commit first probes the build cache.
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidArgumentError, NotFoundError, isNotFound } from '../../errdefs/index.js';
import { signalNumber } from '../container/index.js';
import { formatTime, type ImageRecord, type Platform } from '../image/index.js';
import { cacheKey } from './cache.js';
import { commitLayer } from './layer-commit.js';
import { createIntermediate, runIntermediate, RunFailedError } from './containers.js';
import { ensureDirectory } from './copy.js';
import { dispatchCopy } from './dispatch-copy.js';
import { copyRunConfig, stepImageConfig, type RunConfig } from './image-config.js';
import { parseTrigger, type Instruction } from './instructions.js';
import { exposedPorts, goList, goQuoteList, healthcheckComment, normalizeWorkdir, shortId } from './legacy-format.js';
import { chompHeredoc } from './parser.js';
import { environmentOf, processWord, processWords, type Environment } from './shell-lex.js';
import type { BuildArgs } from './build-args.js';
import type { BuildSession } from './session.js';

export const DEFAULT_SHELL: readonly string[] = ['/bin/sh', '-c'];

/** What a stage carries from one step to the next. */
export interface StageState {
  /** The image of the last step; undefined while a FROM scratch stage has committed nothing. */
  image: ImageRecord | undefined;
  config: RunConfig;
  platform: Platform;
  author?: string;
  /** A CMD with arguments was given in this stage: a later ENTRYPOINT keeps it. */
  cmdSet: boolean;
  args: BuildArgs;
  /** After the first cache miss of a stage nothing more is looked up (its parents are new). */
  cacheBusted: boolean;
}

export function shellOf(config: RunConfig): string[] {
  return config.Shell && config.Shell.length > 0 ? [...config.Shell] : [...DEFAULT_SHELL];
}

/** Substitution environment: the stage's ENV, then ARG values no ENV overrides. */
export function environmentFor(state: StageState): Environment {
  return environmentOf(state.config.Env, state.args.notOverriddenBy(state.config.Env));
}

export function temporaryRootfsId(): string {
  return `build-${randomBytes(12).toString('hex')}`;
}

/** Looks the step up in the build cache; on a hit the stage moves to the cached image. */
export async function probeCache(session: BuildSession, state: StageState, key: string): Promise<boolean> {
  if (session.options.noCache || state.cacheBusted) return false;
  const cached = session.cache.get(key, (id) => session.imageExists(id));
  if (cached === undefined) {
    state.cacheBusted = true;
    return false;
  }
  session.output.stream(' ---> Using cache\n');
  state.image = session.deps.images.resolve(cached);
  return true;
}

/** Registers the step's image (dockerd's NewChildImage) and moves the stage onto it. */
export async function commitStepImage(session: BuildSession, state: StageState, key: string, containerConfig: RunConfig, diffId: string | undefined, containerId: string): Promise<void> {
  const { images } = session.deps;
  const { config, diffIds } = stepImageConfig({
    parent: state.image,
    platform: state.platform,
    config: state.config,
    containerConfig,
    containerId,
    created: formatTime(session.now()),
    author: state.author,
    diffId,
  });
  const id = await images.createImage({ config, layerDiffIds: diffIds, parent: state.image?.id });
  state.image = images.resolve(id);
  await session.cache.set(key, id);
}

/**
 * Commits a metadata step: the run config (already updated) under a "#(nop)" command. A created,
 * never started container stands in for the step as with dockerd; WORKDIR creates its directory
 * in that container's rootfs, which then becomes the step's layer.
 */
export async function commitMetadata(session: BuildSession, state: StageState, comment: string, options: { singleArgComment?: boolean; workdir?: string } = {}): Promise<void> {
  const shell = shellOf(state.config);
  const probe = copyRunConfig(state.config, { Cmd: options.singleArgComment ? [...shell, `#(nop) ${comment}`] : [...shell, '#(nop) ', comment] });
  const key = cacheKey(state.image?.id ?? '', probe);
  if (await probeCache(session, state, key)) return;
  const { containers, layers, images } = session.deps;
  const chainId = state.image?.chainId ?? null;
  let containerId = '';
  let rootfsId: string;
  let temporary = false;
  if (state.image !== undefined) {
    containerId = await createIntermediate(containers, state.image.id, probe, session.limits);
    session.output.stream(` ---> Running in ${shortId(containerId)}\n`);
    session.intermediateContainers.push(containerId);
    rootfsId = containerId;
  } else {
    rootfsId = temporaryRootfsId();
    temporary = true;
  }
  try {
    let diffId: string | undefined;
    if (options.workdir !== undefined) {
      if (temporary) await layers.prepareRootfs(rootfsId, chainId);
      const root = await layers.mountRootfs(rootfsId);
      try {
        await ensureDirectory(root, options.workdir, { uid: 0, gid: 0 });
      } finally {
        await layers.unmountRootfs(rootfsId);
      }
      diffId = (await commitLayer(layers, images, rootfsId, chainId))?.diffId;
    }
    await commitStepImage(session, state, key, probe, diffId, containerId);
  } finally {
    if (temporary) await layers.removeRootfs(rootfsId).catch(() => undefined);
  }
}

/** RUN: the command in a container of the current image; its filesystem changes are the layer. */
async function dispatchRun(session: BuildSession, state: StageState, instruction: Extract<Instruction, { kind: 'RUN' }>): Promise<void> {
  const config = state.config;
  let args = [...instruction.command.args];
  const binds: { source: string; target: string }[] = [];
  let script: { name: string; content: string } | undefined;
  const heredocs = instruction.heredocs;
  if (heredocs.length > 0 && instruction.command.prependShell) {
    const only = /^\s*\d*<<-?\S+\s*$/.test(args[0]) && heredocs.length === 1 ? heredocs[0] : undefined;
    if (only !== undefined) {
      const content = only.chomp ? chompHeredoc(only.content) : only.content;
      // A script with a shebang runs as a file (its interpreter decides); anything else is shell text.
      if (content.startsWith('#!')) {
        script = { name: only.name, content };
        args = [`/dev/pipes/${only.name}`];
      } else args = [content];
    } else args = [[args[0], ...heredocs.map((heredoc) => `${heredoc.content}${heredoc.name}`)].join('\n')];
  }
  const command = instruction.command.prependShell ? [...shellOf(config), ...args] : args;
  const argEnv = state.args.notOverriddenBy(config.Env);
  const saveCmd = state.args.prefixCommand(argEnv, command);
  const probe = copyRunConfig(config, { Cmd: saveCmd, ...(saveCmd.length > 0 ? { Entrypoint: null } : {}) });
  const key = cacheKey(state.image?.id ?? '', script === undefined ? probe : { probe, script });
  if (await probeCache(session, state, key)) return;
  if (state.image === undefined) {
    throw new InvalidArgumentError('RUN needs a base image with a shell: this stage is FROM scratch and has no files yet');
  }
  if (script !== undefined) {
    const dir = join(session.tmpDir, `script-${randomBytes(6).toString('hex')}`);
    await mkdir(dir, { recursive: true, mode: 0o755 });
    const file = join(dir, script.name.replace(/[^A-Za-z0-9_.-]/g, '_'));
    await writeFile(file, script.content);
    await chmod(file, 0o755);
    binds.push({ source: file, target: `/dev/pipes/${script.name}` });
  }
  const runConfig = copyRunConfig(config, { Cmd: command, Env: [...(config.Env ?? []), ...argEnv], Entrypoint: [''] });
  const { containers, layers, images } = session.deps;
  const id = await createIntermediate(containers, state.image.id, runConfig, session.limits, { binds });
  session.output.stream(` ---> Running in ${shortId(id)}\n`);
  session.intermediateContainers.push(id);
  const exitCode = await runIntermediate(containers, id, session.output, session.signal);
  if (session.signal.aborted) throw new InvalidArgumentError('Build cancelled');
  if (exitCode !== 0) throw new RunFailedError(command, exitCode);
  const layer = await commitLayer(layers, images, id, state.image.chainId);
  await commitStepImage(session, state, key, probe, layer?.diffId, id);
}

/** Runs one instruction on the stage, then removes its intermediate containers as asked. */
export async function dispatch(session: BuildSession, state: StageState, instruction: Instruction): Promise<void> {
  let failed = true;
  try {
    await dispatchInstruction(session, state, instruction);
    failed = false;
  } finally {
    if (session.options.forceRemove || (session.options.remove && !failed)) await session.removeIntermediates();
  }
}

async function dispatchInstruction(session: BuildSession, state: StageState, instruction: Instruction): Promise<void> {
  const escape = session.escape;
  const env = (): Environment => environmentFor(state);
  const word = (text: string): string => processWord(text, env(), { escape });
  const config = state.config;
  switch (instruction.kind) {
    case 'FROM':
      throw new InvalidArgumentError('FROM is only valid at the start of a stage');
    case 'RUN':
      return dispatchRun(session, state, instruction);
    case 'COPY':
    case 'ADD':
      return dispatchCopy(session, state, instruction);
    case 'ENV': {
      const environment = env();
      const parts: string[] = [];
      const list = [...(config.Env ?? [])];
      for (const [rawKey, rawValue] of instruction.pairs) {
        const key = processWord(rawKey, environment, { escape });
        const value = processWord(rawValue, environment, { escape });
        if (key === '') throw new InvalidArgumentError('ENV names can not be blank');
        const item = `${key}=${value}`;
        parts.push(item);
        const index = list.findIndex((existing) => existing.split('=')[0] === key);
        if (index >= 0) list[index] = item;
        else list.push(item);
      }
      config.Env = list;
      return commitMetadata(session, state, `ENV ${parts.join(' ')}`);
    }
    case 'LABEL': {
      const environment = env();
      const labels = { ...(config.Labels ?? {}) };
      const parts: string[] = [];
      for (const [rawKey, rawValue] of instruction.pairs) {
        const key = instruction.noExpand ? rawKey : processWord(rawKey, environment, { escape });
        const value = instruction.noExpand ? rawValue : processWord(rawValue, environment, { escape });
        if (key === '') throw new InvalidArgumentError('LABEL names can not be blank');
        labels[key] = value;
        parts.push(`${key}=${value}`);
      }
      config.Labels = labels;
      return commitMetadata(session, state, `LABEL ${parts.join(' ')}`);
    }
    case 'ARG': {
      const parts: string[] = [];
      for (const arg of instruction.args) {
        const value = arg.value === undefined ? undefined : word(arg.value);
        state.args.declare(arg.name, value);
        parts.push(value === undefined ? arg.name : `${arg.name}=${value}`);
      }
      return commitMetadata(session, state, `ARG ${parts.join(' ')}`);
    }
    case 'WORKDIR': {
      config.WorkingDir = normalizeWorkdir(config.WorkingDir ?? '', word(instruction.value));
      return commitMetadata(session, state, `WORKDIR ${config.WorkingDir}`, { singleArgComment: true, workdir: config.WorkingDir });
    }
    case 'USER':
      config.User = word(instruction.value);
      return commitMetadata(session, state, `USER ${config.User}`);
    case 'MAINTAINER':
      state.author = instruction.value;
      return commitMetadata(session, state, `MAINTAINER ${instruction.value}`);
    case 'STOPSIGNAL': {
      const signal = word(instruction.value);
      try {
        signalNumber(signal);
      } catch {
        throw new InvalidArgumentError(`Invalid signal: ${signal}`);
      }
      config.StopSignal = signal;
      return commitMetadata(session, state, `STOPSIGNAL ${signal}`);
    }
    case 'EXPOSE': {
      const environment = env();
      const words = instruction.ports.flatMap((port) => processWords(port, environment, { escape }));
      const ports = { ...(config.ExposedPorts ?? {}) };
      for (const port of exposedPorts(words)) ports[port] = {};
      config.ExposedPorts = ports;
      return commitMetadata(session, state, `EXPOSE ${words.join(' ')}`);
    }
    case 'VOLUME': {
      const volumes = instruction.volumes.map(word);
      if (volumes.some((volume) => volume === '')) throw new InvalidArgumentError('VOLUME specified can not be an empty string');
      config.Volumes = { ...(config.Volumes ?? {}), ...Object.fromEntries(volumes.map((volume) => [volume, {}])) };
      return commitMetadata(session, state, `VOLUME ${goList(volumes)}`);
    }
    case 'CMD': {
      const command = instruction.command.prependShell ? [...shellOf(config), ...instruction.command.args] : instruction.command.args;
      config.Cmd = command;
      config.ArgsEscaped = true;
      await commitMetadata(session, state, `CMD ${goQuoteList(command)}`);
      if (instruction.command.args.length > 0) state.cmdSet = true;
      return;
    }
    case 'ENTRYPOINT': {
      const command = instruction.command.prependShell ? [...shellOf(config), ...instruction.command.args] : instruction.command.args;
      config.Entrypoint = command;
      if (!state.cmdSet) config.Cmd = null;
      return commitMetadata(session, state, `ENTRYPOINT ${goQuoteList(command)}`);
    }
    case 'HEALTHCHECK': {
      const previous = config.Healthcheck?.Test;
      if (previous && previous.length > 0 && previous[0] !== 'NONE') session.output.stream(`Note: overriding previous HEALTHCHECK: ${goList(previous)}\n`);
      config.Healthcheck = structuredClone(instruction.health);
      return commitMetadata(session, state, healthcheckComment(instruction.health));
    }
    case 'SHELL':
      config.Shell = [...instruction.shell];
      return commitMetadata(session, state, `SHELL ${goQuoteList(instruction.shell)}`);
    case 'ONBUILD':
      config.OnBuild = [...(config.OnBuild ?? []), instruction.expression];
      return commitMetadata(session, state, `ONBUILD ${instruction.expression}`);
  }
}

/** Runs the ONBUILD triggers of a stage's base image (they are not inherited further). */
export async function runTriggers(session: BuildSession, state: StageState): Promise<void> {
  const triggers = state.config.OnBuild ?? [];
  if (triggers.length === 0) return;
  state.config.OnBuild = null;
  session.output.stream(`# Executing ${triggers.length} build trigger${triggers.length > 1 ? 's' : ''}\n`);
  for (const trigger of triggers) await dispatch(session, state, parseTrigger(trigger, session.escape));
}

/** The image a FROM line names: an earlier stage, scratch, or a local image (berthd never pulls). */
export function resolveBaseImage(session: BuildSession, name: string): ImageRecord | undefined {
  const stage = session.stageImages.get(name.toLowerCase());
  if (stage !== undefined) return stage === '' ? undefined : session.deps.images.resolve(stage);
  if (name === 'scratch') return undefined;
  try {
    return session.deps.images.resolve(name);
  } catch (err) {
    if (!isNotFound(err)) throw err;
    throw new NotFoundError(`${(err as Error).message}: berthd builds from local images only (docker load, docker import or \`berth image bootstrap\` first)`);
  }
}

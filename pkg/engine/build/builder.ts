// The Dockerfile builder (effectful): POST /build's legacy builder. Receives the context, parses
// the Dockerfile, runs the stages up to the target step by step with dockerd's progress text
// ("Step 2/8 : …", " ---> Running in …", " ---> Using cache"), then tags the result.
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { InvalidArgumentError } from '../../errdefs/index.js';
import { familiarString, hostPlatform, parseRepoTag, type ImageReference } from '../image/index.js';
import { BuildArgs } from './build-args.js';
import { BuildCache } from './cache.js';
import type { BuildOutput } from './containers.js';
import { BuildContext } from './context.js';
import { dispatch, resolveBaseImage, runTriggers, type StageState } from './dispatch.js';
import { runConfigOf } from './image-config.js';
import { parseStages, type Instruction, type Stage } from './instructions.js';
import { shortId } from './legacy-format.js';
import { BuildSession, type BuildOptions, type BuilderDeps } from './session.js';
import { processWord } from './shell-lex.js';

export interface BuildResult {
  imageId: string;
}

/** Checks the -t values before anything is built, as dockerd's tagger does. */
function parseTags(tags: readonly string[]): ImageReference[] {
  return tags.map((tag) => {
    try {
      return parseRepoTag(tag);
    } catch (err) {
      throw new InvalidArgumentError(`invalid tag ${JSON.stringify(tag)}: ${(err as Error).message}`, { cause: err });
    }
  });
}

export class Builder {
  private readonly cache: BuildCache;
  private readonly tmpRoot: string;

  constructor(
    readonly root: string,
    private readonly deps: BuilderDeps,
  ) {
    this.cache = new BuildCache(join(root, 'cache'));
    this.tmpRoot = join(root, 'tmp');
  }

  /** Loads the cache index and clears contexts left by a crash. Open the image store first. */
  async open(): Promise<void> {
    await rm(this.tmpRoot, { recursive: true, force: true });
    await mkdir(this.tmpRoot, { recursive: true, mode: 0o700 });
    await this.cache.open((id) => this.imageExists(id));
    // COPY's scratch rootfs of a build the daemon died in: nothing else names them.
    for (const name of await readdir(this.deps.layers.root).catch(() => [] as string[])) {
      if (/^build-[0-9a-f]{24}$/.test(name)) await this.deps.layers.removeRootfs(name).catch(() => undefined);
    }
  }

  private imageExists(id: string): boolean {
    try {
      this.deps.images.resolve(id);
      return true;
    } catch {
      return false;
    }
  }

  /** POST /build/prune: forgets every cache entry (the step images stay as images). */
  async pruneCache(): Promise<{ CachesDeleted: string[]; SpaceReclaimed: number }> {
    await this.cache.clear();
    return { CachesDeleted: [], SpaceReclaimed: 0 };
  }

  /**
   * Builds from a context tar (plain or gzip, or a bare Dockerfile). Errors before the first
   * output line (bad tags, unreadable context, Dockerfile errors) are thrown for an HTTP error;
   * later ones too, and the caller turns them into an errorDetail message.
   */
  async build(source: Readable, options: BuildOptions, output: BuildOutput, signal: AbortSignal): Promise<BuildResult> {
    const tags = parseTags(options.tags ?? []);
    const dir = join(this.tmpRoot, randomBytes(8).toString('hex'));
    await mkdir(dir, { recursive: true, mode: 0o700 });
    try {
      const context = await BuildContext.receive(join(dir, 'context'), source);
      const { text } = await context.takeDockerfile(options.dockerfile);
      const dockerfile = parseStages(text);
      let stages = dockerfile.stages;
      if (options.target) {
        const target = options.target.toLowerCase();
        const index = stages.findIndex((stage) => stage.name === target);
        if (index < 0) throw new InvalidArgumentError(`failed to reach build target ${options.target} in Dockerfile`);
        stages = stages.slice(0, index + 1);
      }
      const labelSteps = labelInstructions(options.labels);
      const session = new BuildSession(this.deps, options, output, signal, context, this.cache, dockerfile.escapeChar, dir);
      for (const warning of dockerfile.warnings) output.stream(`[WARNING]: ${warning}\n`);
      const total = dockerfile.metaArgs.length + stages.length + stages.reduce((sum, stage) => sum + stage.commands.length, 0) + labelSteps.length;
      let step = 1;
      const printStep = (text: string): void => {
        output.stream(`Step ${step++}/${total} : ${text}`);
        output.stream('\n');
      };
      const args = BuildArgs.create(options.buildArgs ?? new Map());
      for (const meta of dockerfile.metaArgs) {
        printStep(meta.original);
        for (const arg of meta.args) {
          const value = arg.value === undefined ? undefined : processWord(arg.value, args.allowedValues(), { escape: dockerfile.escapeChar });
          args.declareMeta(arg.name, value);
        }
      }
      let state: StageState | undefined;
      for (const [index, stage] of stages.entries()) {
        const commands: Instruction[] = index === stages.length - 1 ? [...stage.commands, ...labelSteps] : stage.commands;
        printStep(stage.from.original);
        state = await this.beginStage(session, stage, args);
        output.stream(` ---> ${shortId(state.image?.id ?? '')}\n`);
        for (const instruction of commands) {
          if (signal.aborted) {
            output.stream('Build cancelled\n');
            throw new InvalidArgumentError('Build cancelled');
          }
          printStep(instruction.original);
          await dispatch(session, state, instruction);
          output.stream(` ---> ${shortId(state.image?.id ?? '')}\n`);
        }
        const imageId = state.image?.id ?? '';
        if (options.wantAux && imageId !== '') output.aux({ ID: imageId });
        session.stageImages.set(String(stage.index), imageId);
        if (stage.name !== undefined) session.stageImages.set(stage.name, imageId);
      }
      const warning = args.unusedWarning();
      if (warning !== undefined) output.stream(warning);
      const imageId = state?.image?.id;
      if (imageId === undefined) throw new InvalidArgumentError('No image was generated. Is your Dockerfile empty?');
      output.stream(`Successfully built ${shortId(imageId)}\n`);
      for (const tag of tags) {
        await this.deps.images.tag(imageId, familiarString(tag));
        output.stream(`Successfully tagged ${familiarString(tag)}\n`);
      }
      return { imageId };
    } finally {
      await rm(dir, { recursive: true, force: true }).catch(() => undefined);
    }
  }

  private async beginStage(session: BuildSession, stage: Stage, args: BuildArgs): Promise<StageState> {
    const name = processWord(stage.from.image, args.metaValues(), { escape: session.escape });
    if (stage.from.platform) {
      session.output.stream(`[Warning] FROM --platform=${stage.from.platform} is ignored: berthd builds for its own platform\n`);
    }
    const image = resolveBaseImage(session, name);
    const host = hostPlatform();
    const state: StageState = {
      image,
      config: runConfigOf(image?.config.config),
      platform: image ? { os: image.config.os, architecture: image.config.architecture, ...(image.config.variant ? { variant: image.config.variant } : {}) } : host,
      cmdSet: false,
      args: args.forStage(),
      cacheBusted: false,
    };
    await runTriggers(session, state);
    return state;
  }
}

/** --label k=v → `LABEL k=v` steps on the last stage, keys sorted, values never substituted. */
function labelInstructions(labels: Record<string, string> | undefined): Instruction[] {
  return Object.keys(labels ?? {})
    .sort()
    .map((key) => ({ kind: 'LABEL', line: 0, original: `LABEL ${key}=${labels![key]}`, pairs: [[key, labels![key]]], noExpand: true }));
}

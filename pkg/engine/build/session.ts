// One build's shared state (effectful only through its deps): options, output, cancellation, the
// unpacked context, stage results and the intermediate containers awaiting removal.
import type { Logger } from 'pino';
import type { ContainerService } from '../container/index.js';
import type { ImageStore } from '../image/index.js';
import type { LayerStore } from '../snapshot/index.js';
import type { BuildArgOptions } from './build-args.js';
import type { BuildCache } from './cache.js';
import type { BuildOutput, RunLimits } from './containers.js';
import { removeIntermediate } from './containers.js';
import type { BuildContext } from './context.js';
import { shortId } from './legacy-format.js';
import type { EscapeChar } from './parser.js';

export interface BuilderDeps {
  images: ImageStore;
  layers: LayerStore;
  containers: ContainerService;
  log: Logger;
  /** Injected clock (tests). */
  now?: () => Date;
}

/** The POST /build options the builder acts on (the rest of the query is accepted and ignored). */
export interface BuildOptions extends RunLimits {
  /** Path of the Dockerfile inside the context ("Dockerfile"). */
  dockerfile?: string;
  /** "name[:tag]" references to tag the result with. */
  tags?: string[];
  buildArgs?: BuildArgOptions;
  /** --label: LABEL steps added to the last stage, keys sorted. */
  labels?: Record<string, string>;
  target?: string;
  noCache?: boolean;
  /** Remove intermediate containers after a successful step (dockerd's default). */
  remove?: boolean;
  /** Remove intermediate containers even after a failed step. */
  forceRemove?: boolean;
  /** Send {"aux":{"ID":…}} after each stage (API ≥ 1.30). */
  wantAux?: boolean;
}

export class BuildSession {
  /** Stage name or index → its final image id ("" for a stage that stayed empty scratch). */
  readonly stageImages = new Map<string, string>();
  readonly intermediateContainers: string[] = [];
  readonly now: () => Date;

  constructor(
    readonly deps: BuilderDeps,
    readonly options: BuildOptions,
    readonly output: BuildOutput,
    readonly signal: AbortSignal,
    readonly context: BuildContext,
    readonly cache: BuildCache,
    readonly escape: EscapeChar,
    /** Scratch space of this build (scripts for heredoc RUNs), removed with the build. */
    readonly tmpDir: string,
  ) {
    this.now = deps.now ?? (() => new Date());
  }

  get limits(): RunLimits {
    return this.options;
  }

  imageExists(id: string): boolean {
    try {
      this.deps.images.resolve(id);
      return true;
    } catch {
      return false;
    }
  }

  /** Removes the intermediate containers made so far, printing each as dockerd does. */
  async removeIntermediates(): Promise<void> {
    for (const id of this.intermediateContainers.splice(0)) {
      try {
        await removeIntermediate(this.deps.containers, id);
        this.output.stream(`Removing intermediate container ${shortId(id)}\n`);
      } catch (err) {
        this.deps.log.warn({ containerId: id, err }, 'removing an intermediate build container failed');
        this.output.stream(`Failed to remove intermediate container ${shortId(id)}: ${(err as Error).message}\n`);
      }
    }
  }
}

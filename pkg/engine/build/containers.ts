// Intermediate containers of a build (effectful): created from the step's image through the
// ContainerService like any other container, RUN's started with its output streamed back as build
// output (stderr in red, as dockerd's legacy builder), removed with their anonymous volumes.
import type { Socket } from 'node:net';
import { BerthError } from '../../errdefs/index.js';
import type { ContainerService, CreateRequest, HostConfig } from '../container/index.js';
import type { RunConfig } from './image-config.js';

/** Where a build writes what the user sees. */
export interface BuildOutput {
  /** One {"stream": text} message. */
  stream(text: string): void;
  /** One {"aux": value} message. */
  aux(value: unknown): void;
}

/** The container limits and network a build's RUN containers get (the /build query). */
export interface RunLimits {
  networkMode?: string;
  memory?: number;
  memorySwap?: number;
  cpuShares?: number;
  cpuPeriod?: number;
  cpuQuota?: number;
  cpusetCpus?: string;
  cpusetMems?: string;
  cgroupParent?: string;
  shmSize?: number;
  extraHosts?: string[];
}

/** A RUN that exited non-zero, with dockerd's text; `exitCode` becomes errorDetail.code. */
export class RunFailedError extends BerthError {
  constructor(
    command: readonly string[],
    readonly exitCode: number,
  ) {
    super('invalid_argument', `The command '${command.join(' ')}' returned a non-zero code: ${exitCode}`);
  }
}

const STDERR_START = '\u001b[91m';
const STDERR_END = '\u001b[0m';

function hostConfig(limits: RunLimits, binds: { source: string; target: string }[]): Partial<HostConfig> {
  const config: Partial<HostConfig> = {
    NetworkMode: limits.networkMode || 'default',
    // Build containers keep no log: their output goes to the build stream.
    LogConfig: { Type: 'none', Config: {} },
  };
  if (limits.memory) config.Memory = limits.memory;
  if (limits.memorySwap) config.MemorySwap = limits.memorySwap;
  if (limits.cpuShares) config.CpuShares = limits.cpuShares;
  if (limits.cpuPeriod) config.CpuPeriod = limits.cpuPeriod;
  if (limits.cpuQuota) config.CpuQuota = limits.cpuQuota;
  if (limits.cpusetCpus) config.CpusetCpus = limits.cpusetCpus;
  if (limits.cpusetMems) config.CpusetMems = limits.cpusetMems;
  if (limits.cgroupParent) config.CgroupParent = limits.cgroupParent;
  if (limits.shmSize) config.ShmSize = limits.shmSize;
  if (limits.extraHosts?.length) config.ExtraHosts = limits.extraHosts;
  if (binds.length > 0) config.Mounts = binds.map((bind) => ({ Type: 'bind', Source: bind.source, Target: bind.target, ReadOnly: true }));
  return config;
}

/** Creates a container from `imageId` with the step's config; returns its id. */
export async function createIntermediate(
  containers: ContainerService,
  imageId: string,
  config: RunConfig,
  limits: RunLimits,
  /** Read-only files bind-mounted into the container (heredoc scripts). */
  options: { binds?: { source: string; target: string }[] } = {},
): Promise<string> {
  const request: CreateRequest = {
    Image: imageId,
    User: config.User ?? '',
    Env: config.Env ?? [],
    Cmd: config.Cmd ?? null,
    // [""] is "no entrypoint" (the command runs as given), null inherits the image's.
    Entrypoint: config.Entrypoint ?? [''],
    WorkingDir: config.WorkingDir ?? '',
    Labels: config.Labels ?? {},
    // Build containers never run health probes.
    Healthcheck: { Test: ['NONE'] },
    AttachStdout: true,
    AttachStderr: true,
    HostConfig: hostConfig(limits, options.binds ?? []),
  };
  if (config.Shell) request.Shell = config.Shell;
  const { Id } = await containers.create(request, undefined);
  return Id;
}

/** Splits Docker's multiplexed stream frames into stdout/stderr text. */
class FrameReader {
  private buffer: Buffer = Buffer.alloc(0);
  private readonly decoders = [new TextDecoder(), new TextDecoder()];

  constructor(private readonly onText: (stream: 'stdout' | 'stderr', text: string) => void) {}

  push(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    while (this.buffer.length >= 8) {
      const size = this.buffer.readUInt32BE(4);
      if (this.buffer.length < 8 + size) return;
      const kind = this.buffer[0] === 2 ? 'stderr' : 'stdout';
      const payload = this.buffer.subarray(8, 8 + size);
      this.buffer = this.buffer.subarray(8 + size);
      const text = this.decoders[kind === 'stderr' ? 1 : 0].decode(payload, { stream: true });
      if (text !== '') this.onText(kind, text);
    }
  }
}

/**
 * Starts the container with its stdout and stderr attached to the build output and waits for it
 * to exit; the exit code. Aborting kills the container.
 */
export async function runIntermediate(containers: ContainerService, id: string, output: BuildOutput, signal: AbortSignal): Promise<number> {
  const { connection } = containers.attach(id, { stdin: false, stdout: true, stderr: true, raw: false });
  connection.catch(() => undefined);
  const exited = containers.wait(id, 'next-exit');
  const reader = new FrameReader((stream, text) => output.stream(stream === 'stderr' ? `${STDERR_START}${text}${STDERR_END}` : text));
  let socket: Socket | undefined;
  const streamed = connection.then(
    (attached) => {
      socket = attached;
      return new Promise<void>((resolve) => {
        attached.on('data', (chunk: Buffer) => reader.push(chunk));
        attached.on('end', resolve);
        attached.on('close', resolve);
        attached.on('error', () => resolve());
      });
    },
    () => undefined,
  );
  const onAbort = (): void => void containers.kill(id, 'SIGKILL').catch(() => undefined);
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    await containers.start(id);
    const { exitCode } = await exited;
    // The monitor closes the attach stream once the process's output is drained.
    await Promise.race([streamed, new Promise((resolve) => setTimeout(resolve, 2000))]);
    return exitCode;
  } finally {
    signal.removeEventListener('abort', onAbort);
    socket?.destroy();
  }
}

export async function removeIntermediate(containers: ContainerService, id: string): Promise<void> {
  await containers.remove(id, { force: true, removeVolumes: true });
}

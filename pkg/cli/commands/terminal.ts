// Terminal-side helpers for attached sessions (effects: signals, resize): signal forwarding
// (sig-proxy) and keeping a container's or exec's tty size in step with ours.
import type { CommandContext } from '../spec.js';

/** Signals docker's sig-proxy forwards that Node lets us catch (SIGKILL/SIGSTOP cannot be). */
const PROXIED_SIGNALS: readonly NodeJS.Signals[] = ['SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGTERM', 'SIGUSR2', 'SIGALRM', 'SIGCONT'];

/** Forwards received signals to the container as `kill -s <SIG>`; returns the undo function. */
export function forwardSignals(context: CommandContext, containerId: string): () => void {
  const client = context.client();
  const handlers = PROXIED_SIGNALS.map((signal) => {
    const handler = (): void => {
      client.containers.kill(containerId, { killSignal: signal }).catch(() => undefined);
    };
    context.process.on(signal, handler);
    return { signal, handler };
  });
  return () => {
    for (const { signal, handler } of handlers) context.process.off(signal, handler);
  };
}

/**
 * Turns off output post-processing (OPOST) on our terminal, as docker's raw mode (moby/term
 * MakeRaw) does; Node's setRawMode keeps ONLCR, which would print a container tty's "\r\n" as
 * "\r\r\n". Node has no termios API, so this is the one place the CLI runs stty. Call it after
 * setRawMode(true): setRawMode(false) then restores the terminal's original modes, OPOST included.
 */
export function disableOutputProcessing(): void {
  const childProcess = process.getBuiltinModule('node:child_process') as typeof import('node:child_process');
  childProcess.spawnSync('stty', ['-opost'], { stdio: ['inherit', 'ignore', 'ignore'], timeout: 2000 });
}

/** Our terminal's [rows, columns], or undefined when stdout is not a terminal. */
export function terminalSize(context: CommandContext): [number, number] | undefined {
  const { stdout } = context;
  if (!stdout.isTTY || !stdout.rows || !stdout.columns) return undefined;
  return [stdout.rows, stdout.columns];
}

/**
 * Sends our size now (retrying briefly, as the process may not have a tty yet) and on every
 * terminal resize. Returns the undo function.
 */
export function monitorTtySize(context: CommandContext, resize: (size: { height: number; width: number }) => Promise<void>): () => void {
  let stopped = false;
  const send = async (): Promise<boolean> => {
    const size = terminalSize(context);
    if (!size) return true;
    try {
      await resize({ height: size[0], width: size[1] });
      return true;
    } catch {
      return false;
    }
  };
  void (async () => {
    for (let attempt = 0; attempt <= 10 && !stopped; attempt++) {
      if (await send()) return;
      await new Promise((resolve) => setTimeout(resolve, (attempt + 1) * 10));
    }
    if (!stopped) context.stderr.write('failed to resize tty, using default size\n');
  })();
  const onResize = (): void => {
    void send();
  };
  context.stdout.on('resize', onResize);
  return () => {
    stopped = true;
    context.stdout.off('resize', onResize);
  };
}

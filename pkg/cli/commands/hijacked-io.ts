// Copies a hijacked attach/exec connection to and from the terminal (effects: streams, raw mode):
// docker's hijackedIOStreamer — stdout/stderr demux or raw tty output, stdin with half-close at EOF,
// raw terminal while a tty is attached, and client-side detach keys.
import { Writable } from 'node:stream';
import { demuxStream, writeWithBackpressure, type HijackedConnection } from '../../client/index.js';
import { EscapeProxy } from '../options/detach-keys.js';
import type { CommandIo } from '../spec.js';
import { disableOutputProcessing } from './terminal.js';

export type StreamOutcome = 'ended' | 'detached' | 'input-ended';

export interface HijackedStreamOptions {
  connection: HijackedConnection;
  stdin: CommandIo['stdin'] | undefined;
  stdout: Writable | undefined;
  stderr: Writable | undefined;
  tty: boolean;
  /** The detach sequence; docker watches for it on the client side only with a tty. */
  detachKeys: Buffer;
}

export interface HijackedStream {
  done: Promise<StreamOutcome>;
  /** Stops copying and closes the connection (idempotent). */
  cancel(): void;
}

const discard = (): Writable => new Writable({ write: (_chunk, _encoding, callback) => callback() });

export function streamHijacked(options: HijackedStreamOptions): HijackedStream {
  const { connection, stdin, tty } = options;
  const socket = connection.socket;
  let cancelled = false;
  let restored = false;
  const rawMode = stdin !== undefined && tty && stdin.isTTY === true && typeof stdin.setRawMode === 'function';
  if (rawMode) {
    stdin.setRawMode!(true);
    if (options.stdout && (options.stdout as { isTTY?: boolean }).isTTY) disableOutputProcessing();
  }
  const restoreInput = (): void => {
    if (restored) return;
    restored = true;
    if (rawMode) stdin.setRawMode!(false);
  };

  let stopInput = (): void => undefined;
  const output: Promise<StreamOutcome> | undefined =
    options.stdout || options.stderr
      ? (async () => {
          try {
            if (tty && options.stdout) {
              for await (const chunk of socket) {
                const pending = writeWithBackpressure(options.stdout, chunk as Buffer);
                if (pending) await pending;
              }
            } else {
              await demuxStream(socket, options.stdout ?? discard(), options.stderr ?? discard());
            }
          } catch (err) {
            if (!cancelled) throw err;
          } finally {
            restoreInput();
          }
          return 'ended' as const;
        })()
      : undefined;

  const input = new Promise<StreamOutcome>((resolve, reject) => {
    if (!stdin) {
      connection.closeWrite();
      resolve('input-ended');
      return;
    }
    const proxy = tty ? new EscapeProxy(options.detachKeys) : undefined;
    const onData = (chunk: Buffer | string): void => {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      const { forward, detached } = proxy ? proxy.push(bytes) : { forward: bytes, detached: false };
      if (forward.length > 0 && !socket.destroyed && !socket.writableEnded && !socket.write(forward)) {
        stdin.pause();
        socket.once('drain', () => stdin.resume());
      }
      if (detached) {
        stopInput();
        restoreInput();
        resolve('detached');
      }
    };
    const onEnd = (): void => {
      stopInput();
      restoreInput();
      connection.closeWrite();
      resolve('input-ended');
    };
    const onError = (err: Error): void => {
      stopInput();
      reject(err);
    };
    stopInput = () => {
      stdin.off('data', onData);
      stdin.off('end', onEnd);
      stdin.off('error', onError);
      stdin.pause();
    };
    stdin.on('data', onData);
    stdin.on('end', onEnd);
    stdin.on('error', onError);
    stdin.resume();
  });
  input.catch(() => undefined);

  const done = (async (): Promise<StreamOutcome> => {
    try {
      const first = await Promise.race(output ? [output, input] : [input]);
      if (first === 'detached') return 'detached';
      // Stdin is done (or was never attached): the output decides when the session ends.
      if (first === 'input-ended' && output) return await output;
      return first;
    } finally {
      stopInput();
      restoreInput();
      socket.destroy();
    }
  })();
  done.catch(() => undefined);

  return {
    done,
    cancel: () => {
      if (cancelled) return;
      cancelled = true;
      stopInput();
      restoreInput();
      socket.destroy();
    },
  };
}

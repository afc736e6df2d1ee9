// How an error reads on stderr (pure): daemon errors as docker's "Error response from daemon: …".
import { isEngineApiError } from '../client/errors.js';
import { BerthError } from '../errdefs/index.js';

/** The text docker prints for an error (without its own "docker: " prefixes). */
export function errorText(err: unknown): string {
  if (isEngineApiError(err)) return `Error response from daemon: ${err.message}`;
  // Go names the file it failed to write; a closed pipe on our stdout reads the same.
  if ((err as NodeJS.ErrnoException | undefined)?.code === 'EPIPE') return 'write /dev/stdout: broken pipe';
  if (err instanceof BerthError || err instanceof Error) return err.message;
  return String(err);
}

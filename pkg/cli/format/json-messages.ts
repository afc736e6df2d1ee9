// Rendering of progress streams (pull, load, import) like docker's jsonmessage.Display (pure).
import type { JsonMessage } from '../../client/index.js';

/**
 * The text one message prints. Off a terminal, progress-bar updates print nothing, exactly as
 * docker does; on a terminal they print in place (`\r`, one line per layer id is approximated).
 */
export function renderJsonMessage(message: JsonMessage, terminal: boolean): string {
  const hasProgress = message.progressDetail !== undefined && (message.progressDetail.total ?? 0) > 0;
  if (!terminal && hasProgress && message.progress) return '';
  let out = '';
  const endOfLine = terminal && !message.stream && hasProgress ? '\r' : '';
  if (endOfLine) out += '\x1b[2K\r';
  if (message.id) out += `${message.id}: `;
  if (message.from) out += `(from ${message.from}) `;
  if (hasProgress && terminal) out += `${message.status ?? ''} ${message.progress ?? ''}${endOfLine}`;
  else if (message.progress) out += `${message.status ?? ''} ${message.progress}${endOfLine}`;
  else if (message.stream) out += message.stream;
  else out += `${message.status ?? ''}\n`;
  return out;
}

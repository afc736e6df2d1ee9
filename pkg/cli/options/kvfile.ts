// Env-file and label-file parsing (pure parser plus a file reader), as docker's pkg/kvfile does:
// comments and blank lines skipped, `KEY` alone looked up in the environment, whitespace rejected.

export class KvFileError extends Error {}

/**
 * Parses file text into `KEY=value` lines. `lookup` resolves bare `KEY` lines (env files);
 * without it such lines are dropped (label files).
 */
export function parseKeyValueText(text: string, lookup?: (key: string) => string | undefined): string[] {
  const lines: string[] = [];
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  for (const rawLine of source.split(/\r?\n/)) {
    const line = rawLine.replace(/^\s+/, '');
    if (line === '' || line.startsWith('#')) continue;
    const separator = line.indexOf('=');
    const key = separator === -1 ? line : line.slice(0, separator);
    if (key === '') throw new KvFileError(`no variable name on line '${line}'`);
    if (/[ \t]/.test(key)) throw new KvFileError(`variable '${key}' contains whitespaces`);
    if (separator !== -1) {
      lines.push(line);
      continue;
    }
    const value = lookup?.(line);
    if (value !== undefined) lines.push(`${key}=${value}`);
  }
  return lines;
}

/** Decodes a file's bytes: UTF-8, or UTF-16 with a byte-order mark (docker accepts both). */
export function decodeKeyValueBytes(bytes: Buffer): string {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) {
    const swapped = Buffer.from(bytes.subarray(2));
    swapped.swap16();
    return swapped.toString('utf16le');
  }
  return bytes.toString('utf8');
}

/** Reads files in order and appends `overrides` (flags win over files): opts.ReadKVStrings. */
export function readKeyValueFiles(
  files: readonly string[],
  overrides: readonly string[],
  readFile: (path: string) => Buffer,
  lookup?: (key: string) => string | undefined,
): string[] {
  const variables: string[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = decodeKeyValueBytes(readFile(file));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new KvFileError(`open ${file}: no such file or directory`);
      if (code === 'EACCES') throw new KvFileError(`open ${file}: permission denied`);
      if (code === 'EISDIR') throw new KvFileError(`read ${file}: is a directory`);
      throw err;
    }
    try {
      variables.push(...parseKeyValueText(text, lookup));
    } catch (err) {
      if (err instanceof KvFileError) throw new KvFileError(`invalid env file (${file}): ${err.message}`);
      throw err;
    }
  }
  return [...variables, ...overrides];
}

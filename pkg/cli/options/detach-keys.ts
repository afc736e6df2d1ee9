// Detach key sequences (pure): parsing `ctrl-p,ctrl-q` like moby/term.ToBytes, and an escape proxy
// that withholds a possible sequence prefix from stdin and reports a complete one.

export const DEFAULT_DETACH_KEYS = 'ctrl-p,ctrl-q';

export class DetachKeysError extends Error {}

/** `ctrl-p,ctrl-q` → [16, 17]; single characters stand for themselves. */
export function parseDetachKeys(keys: string): Buffer {
  const codes: number[] = [];
  for (const key of keys.split(',')) {
    if (key.length === 1) {
      codes.push(key.charCodeAt(0));
      continue;
    }
    const lower = key.toLowerCase();
    const control = /^ctrl-([a-z@[\\\]^_])$/.exec(lower);
    if (!control) throw new DetachKeysError(`Unknown character: '${key}'`);
    const ch = control[1]!;
    codes.push(ch >= 'a' && ch <= 'z' ? ch.charCodeAt(0) - 96 : { '@': 0, '[': 27, '\\': 28, ']': 29, '^': 30, _: 31 }[ch]!);
  }
  return Buffer.from(codes);
}

/**
 * Watches stdin for the detach sequence. Bytes that might start the sequence are held back until
 * it either completes (detach; the keys are swallowed) or breaks (the held bytes are released).
 */
export class EscapeProxy {
  private matched = 0;

  constructor(private readonly keys: Buffer) {}

  push(chunk: Buffer): { forward: Buffer; detached: boolean } {
    if (this.keys.length === 0) return { forward: chunk, detached: false };
    const out: number[] = [];
    for (const byte of chunk) {
      if (byte === this.keys[this.matched]) {
        this.matched++;
        if (this.matched === this.keys.length) return { forward: Buffer.from(out), detached: true };
        continue;
      }
      if (this.matched > 0) {
        out.push(...this.keys.subarray(0, this.matched));
        this.matched = 0;
        if (byte === this.keys[0]) {
          this.matched = 1;
          continue;
        }
      }
      out.push(byte);
    }
    return { forward: Buffer.from(out), detached: false };
  }
}

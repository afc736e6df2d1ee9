// bcrypt ($2a$, $2b$, $2y$) in plain TypeScript, for htpasswd files made with `htpasswd -B` (what
// the registry docs tell users to run). Node has no bcrypt. Pure (deterministic CPU work).
//
// Blowfish's initial P-array and S-boxes are the fractional hex digits of pi (P first, then S0..S3:
// 18 + 4·256 = 1042 words). Rather than carry a 1042-word table, they are computed once with BigInt
// from Machin's formula pi = 16·atan(1/5) − 4·atan(1/239); the tests pin the first and last words.
import { timingSafeEqual } from 'node:crypto';

const WORDS = 18 + 4 * 256;
const FRACTION_BITS = WORDS * 32;
/** Extra bits so the truncation error of ~15k series terms stays far below the last word. */
const GUARD_BITS = 64;

let piWords: Uint32Array | undefined;

function atanInverse(x: bigint, scale: bigint): bigint {
  // atan(1/x)·2^scale = Σ (−1)^k / ((2k+1)·x^(2k+1))
  let power = (1n << scale) / x;
  const xSquared = x * x;
  let sum = power;
  let sign = -1n;
  for (let divisor = 3n; power !== 0n; divisor += 2n) {
    power /= xSquared;
    sum += (sign * power) / divisor;
    sign = -sign;
  }
  return sum;
}

/** The first 1042 32-bit words of pi's fractional part (0x243f6a88, 0x85a308d3, …). */
export function piFractionWords(): Uint32Array {
  if (piWords !== undefined) return piWords;
  const scale = BigInt(FRACTION_BITS + GUARD_BITS);
  const pi = 16n * atanInverse(5n, scale) - 4n * atanInverse(239n, scale);
  const fraction = (pi - (3n << scale)) >> BigInt(GUARD_BITS);
  const hex = fraction.toString(16).padStart(FRACTION_BITS / 4, '0');
  const words = new Uint32Array(WORDS);
  for (let i = 0; i < WORDS; i++) words[i] = Number.parseInt(hex.slice(i * 8, i * 8 + 8), 16);
  piWords = words;
  return words;
}

class Blowfish {
  readonly p: Uint32Array;
  readonly s: Uint32Array; // four boxes of 256, back to back

  constructor() {
    const pi = piFractionWords();
    this.p = pi.slice(0, 18);
    this.s = pi.slice(18);
  }

  private f(x: number): number {
    const s = this.s;
    return (((s[x >>> 24] + s[256 | ((x >>> 16) & 0xff)]) ^ s[512 | ((x >>> 8) & 0xff)]) + s[768 | (x & 0xff)]) >>> 0;
  }

  /** Encrypts the block in place at lr[offset], lr[offset + 1]. */
  encipher(lr: Uint32Array, offset: number): void {
    const p = this.p;
    let left = lr[offset];
    let right = lr[offset + 1];
    left ^= p[0];
    for (let i = 1; i <= 16; i += 2) {
      right ^= this.f(left) ^ p[i];
      left ^= this.f(right) ^ p[i + 1];
    }
    lr[offset] = (right ^ p[17]) >>> 0;
    lr[offset + 1] = left >>> 0;
  }

  /** EksBlowfish ExpandKey; `salt` undefined is the all-zero salt of the expensive rounds. */
  expand(key: Uint8Array, salt: Uint8Array | undefined): void {
    let keyPos = 0;
    const nextKeyWord = (): number => {
      let word = 0;
      for (let i = 0; i < 4; i++) {
        word = ((word << 8) | key[keyPos]) >>> 0;
        keyPos = (keyPos + 1) % key.length;
      }
      return word;
    };
    let saltPos = 0;
    const nextSaltWord = (): number => {
      if (salt === undefined) return 0;
      let word = 0;
      for (let i = 0; i < 4; i++) {
        word = ((word << 8) | salt[saltPos]) >>> 0;
        saltPos = (saltPos + 1) % salt.length;
      }
      return word;
    };
    for (let i = 0; i < 18; i++) this.p[i] = (this.p[i] ^ nextKeyWord()) >>> 0;
    const block = new Uint32Array(2);
    const fill = (target: Uint32Array, length: number): void => {
      for (let i = 0; i < length; i += 2) {
        block[0] ^= nextSaltWord();
        block[1] ^= nextSaltWord();
        this.encipher(block, 0);
        target[i] = block[0];
        target[i + 1] = block[1];
      }
    };
    fill(this.p, 18);
    fill(this.s, 1024);
  }
}

const ALPHABET = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const DECODE = new Map([...ALPHABET].map((char, index) => [char, index]));

/** bcrypt's base64 (its own alphabet, no padding). */
export function bcryptBase64Encode(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const b0 = bytes[i];
    const b1 = i + 1 < bytes.length ? bytes[i + 1] : 0;
    const b2 = i + 2 < bytes.length ? bytes[i + 2] : 0;
    out += ALPHABET[b0 >> 2] + ALPHABET[((b0 & 0x03) << 4) | (b1 >> 4)];
    if (i + 1 < bytes.length) out += ALPHABET[((b1 & 0x0f) << 2) | (b2 >> 6)];
    if (i + 2 < bytes.length) out += ALPHABET[b2 & 0x3f];
  }
  return out;
}

/** Decodes `length` bytes; undefined on a character outside the alphabet. */
export function bcryptBase64Decode(text: string, length: number): Uint8Array | undefined {
  const bytes = new Uint8Array(length);
  let bits = 0;
  let value = 0;
  let count = 0;
  for (const char of text) {
    const digit = DECODE.get(char);
    if (digit === undefined) return undefined;
    value = (value << 6) | digit;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      if (count < length) bytes[count++] = (value >> bits) & 0xff;
    }
  }
  return count === length ? bytes : undefined;
}

const HASH_RE = /^\$(2[aby])\$(\d\d)\$([./A-Za-z0-9]{22})([./A-Za-z0-9]{31})$/;
/** "OrpheanBeholderScryDoubt" as six big-endian words. */
const MAGIC = new Uint32Array([0x4f727068, 0x65616e42, 0x65686f6c, 0x64657253, 0x63727944, 0x6f756274]);

/** The full "$2b$cost$<salt><hash>" string for `password` with the salt and cost of `setting`. */
export function bcryptHash(password: string, setting: string): string {
  const match = /^\$(2[aby])\$(\d\d)\$([./A-Za-z0-9]{22})/.exec(setting);
  if (match === null) throw new Error('invalid bcrypt setting: expected $2a$, $2b$ or $2y$, a two-digit cost and a 22-character salt');
  const [, variant, costText, saltText] = match;
  const cost = Number(costText);
  if (cost < 4 || cost > 31) throw new Error(`bcrypt cost ${cost} is outside 4..31`);
  const salt = bcryptBase64Decode(saltText, 16);
  if (salt === undefined) throw new Error('invalid bcrypt salt');
  // The key is the password's bytes and a NUL, cut at 72 bytes.
  const key = Buffer.concat([Buffer.from(password, 'utf8'), Buffer.from([0])]).subarray(0, 72);
  const blowfish = new Blowfish();
  blowfish.expand(key, salt);
  const rounds = 2 ** cost;
  for (let i = 0; i < rounds; i++) {
    blowfish.expand(key, undefined);
    blowfish.expand(salt, undefined);
  }
  const text = MAGIC.slice();
  for (let i = 0; i < 64; i++) {
    blowfish.encipher(text, 0);
    blowfish.encipher(text, 2);
    blowfish.encipher(text, 4);
  }
  const out = Buffer.alloc(24);
  for (let i = 0; i < 6; i++) out.writeUInt32BE(text[i], i * 4);
  // The salt is re-encoded from its 16 bytes, which canonicalises its last character as C bcrypt does.
  return `$${variant}$${costText}$${bcryptBase64Encode(salt)}${bcryptBase64Encode(out.subarray(0, 23))}`;
}

/** True when `hash` (a $2a$/$2b$/$2y$ string) is `password`'s bcrypt hash; constant-time compare. */
export function bcryptVerify(password: string, hash: string): boolean {
  if (!HASH_RE.test(hash)) return false;
  // Only the 31-character hash is compared: a salt written with stray low bits in its last
  // character decodes to the same 16 bytes.
  const computed = Buffer.from(bcryptHash(password, hash).slice(-31));
  const expected = Buffer.from(hash.slice(-31));
  return computed.length === expected.length && timingSafeEqual(computed, expected);
}

export function isBcryptHash(hash: string): boolean {
  return HASH_RE.test(hash);
}

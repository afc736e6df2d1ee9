// htpasswd files (Apache's format, what `berth registry serve --htpasswd` reads): bcrypt
// ($2y$/$2b$/$2a$, `htpasswd -B`), salted MD5 ($apr1$, `htpasswd`'s default) and {SHA}
// (`htpasswd -s`). crypt(3) DES and plain text entries are refused at load with a reason. Pure.
import { createHash, timingSafeEqual } from 'node:crypto';
import { bcryptVerify, isBcryptHash } from './bcrypt.js';

export type HashScheme = 'bcrypt' | 'apr1' | 'sha1';

export interface HtpasswdEntry {
  user: string;
  hash: string;
  scheme: HashScheme;
}

export interface ParsedHtpasswd {
  entries: Map<string, HtpasswdEntry>;
  /** Lines that were skipped, with why (1-based line numbers). */
  problems: { line: number; reason: string }[];
}

export function hashScheme(hash: string): HashScheme | undefined {
  if (isBcryptHash(hash)) return 'bcrypt';
  if (/^\$apr1\$[^$]{1,8}\$[./0-9A-Za-z]{22}$/.test(hash)) return 'apr1';
  if (/^\{SHA\}[A-Za-z0-9+/]{27}=$/.test(hash)) return 'sha1';
  return undefined;
}

export function parseHtpasswd(text: string): ParsedHtpasswd {
  const entries = new Map<string, HtpasswdEntry>();
  const problems: ParsedHtpasswd['problems'] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const colon = line.indexOf(':');
    if (colon <= 0) {
      problems.push({ line: index + 1, reason: 'expected user:hash' });
      return;
    }
    const user = line.slice(0, colon);
    const hash = line.slice(colon + 1);
    const scheme = hashScheme(hash);
    if (scheme === undefined) {
      problems.push({ line: index + 1, reason: `user ${user}: unsupported hash format (use htpasswd -B for bcrypt, or -s for {SHA})` });
      return;
    }
    entries.set(user, { user, hash, scheme });
  });
  return { entries, problems };
}

function equalStrings(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

const APR1_ALPHABET = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Apache's MD5-based crypt ("$apr1$salt$hash"). */
export function apr1Hash(password: string, salt: string): string {
  const magic = '$apr1$';
  const saltText = salt.split('$')[0].slice(0, 8);
  const pw = Buffer.from(password, 'utf8');
  const md5 = (): ReturnType<typeof createHash> => createHash('md5');
  let alternate = md5().update(pw).update(saltText).update(pw).digest();
  const context = md5().update(pw).update(magic).update(saltText);
  for (let left = pw.length; left > 0; left -= 16) context.update(alternate.subarray(0, Math.min(left, 16)));
  for (let bits = pw.length; bits > 0; bits >>= 1) context.update(bits & 1 ? Buffer.from([0]) : pw.subarray(0, 1));
  alternate = context.digest();
  for (let round = 0; round < 1000; round++) {
    const next = md5();
    next.update(round & 1 ? pw : alternate);
    if (round % 3) next.update(saltText);
    if (round % 7) next.update(pw);
    next.update(round & 1 ? alternate : pw);
    alternate = next.digest();
  }
  const f = alternate;
  const encode = (value: number, count: number): string => {
    let out = '';
    for (let i = 0; i < count; i++) {
      out += APR1_ALPHABET[value & 0x3f];
      value >>= 6;
    }
    return out;
  };
  const groups: [number, number, number][] = [
    [0, 6, 12],
    [1, 7, 13],
    [2, 8, 14],
    [3, 9, 15],
    [4, 10, 5],
  ];
  let out = groups.map(([a, b, c]) => encode((f[a] << 16) | (f[b] << 8) | f[c], 4)).join('');
  out += encode(f[11], 2);
  return `${magic}${saltText}$${out}`;
}

/** True when `password` matches the entry's hash. bcrypt costs tens of milliseconds per call. */
export function verifyPassword(entry: HtpasswdEntry, password: string): boolean {
  switch (entry.scheme) {
    case 'bcrypt':
      return bcryptVerify(password, entry.hash);
    case 'apr1':
      return equalStrings(apr1Hash(password, entry.hash.slice('$apr1$'.length)), entry.hash);
    case 'sha1':
      return equalStrings(`{SHA}${createHash('sha1').update(password, 'utf8').digest('base64')}`, entry.hash);
  }
}

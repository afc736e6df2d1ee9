import { describe, expect, test } from 'vitest';
import { bcryptBase64Decode, bcryptBase64Encode, bcryptHash, bcryptVerify, piFractionWords } from './bcrypt.js';
import { apr1Hash, parseHtpasswd, verifyPassword } from './htpasswd.js';

// Expected values computed with libxcrypt's crypt(3) (perl -e 'print crypt($pw, $setting)') and
// `openssl passwd -apr1`; they pin our pure implementations to the C ones.
const BCRYPT_VECTORS: { password: string; hash: string }[] = [
  { password: '', hash: '$2y$04$abcdefghijklmnopqrstuubyCG3zY1GIXMyxfivm.ClDiInHzxjiq' },
  { password: '', hash: '$2a$05$CCCCCCCCCCCCCCCCCCCCC.7uG0VCzI2bS7j6ymqJi9CdcdxiRTWNy' },
  { password: 'U*U', hash: '$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW' },
  { password: 'U*U', hash: '$2b$06$0123456789ABCDEFGHIJKeVCJcNRgJWA.M2I1BN4TZFtM/GUweVzy' },
  { password: 'password', hash: '$2y$04$abcdefghijklmnopqrstuughE8Ev8uGFaUgY2cNEySvxngrb/Jzdm' },
  { password: 'ünïcødé ✓', hash: '$2y$04$abcdefghijklmnopqrstuuyKEZn9J3lTfnlSVVbAFfQT4b0xpih1q' },
  { password: 'a'.repeat(72), hash: '$2y$04$abcdefghijklmnopqrstuuBzzIgyKkz7xMWYSzkIjUSnxEQFQ0WNe' },
  // bcrypt reads at most 72 bytes: a longer password hashes like its first 72.
  { password: 'a'.repeat(80), hash: '$2y$04$abcdefghijklmnopqrstuuBzzIgyKkz7xMWYSzkIjUSnxEQFQ0WNe' },
  { password: 'abc', hash: '$2b$10$abcdefghijklmnopqrstuuIKf86pdcwpO2sVQ5UzC4OF.Xfw8WGTS' },
];

describe('bcrypt', () => {
  test("Blowfish's tables are pi's hex digits", () => {
    const words = piFractionWords();
    expect(words.length).toBe(1042);
    expect([words[0], words[1], words[17]].map((word) => word.toString(16))).toEqual(['243f6a88', '85a308d3', '8979fb1b']);
    expect(words[18].toString(16)).toBe('d1310ba6'); // S0[0]
    expect(words[1041].toString(16)).toBe('3ac372e6'); // S3[255]
  });
  for (const { password, hash } of BCRYPT_VECTORS) {
    test(`${hash.slice(0, 7)} ${JSON.stringify(password.length > 12 ? `${password.slice(0, 6)}…(${password.length})` : password)} matches crypt(3)`, () => {
      expect(bcryptHash(password, hash)).toBe(hash);
      expect(bcryptVerify(password, hash)).toBe(true);
      expect(bcryptVerify(`x${password}`, hash)).toBe(false);
    });
  }
  test('a salt with stray low bits still verifies', () => {
    expect(bcryptVerify('U*U', '$2b$06$0123456789ABCDEFGHIJKlVCJcNRgJWA.M2I1BN4TZFtM/GUweVzy')).toBe(true);
  });
  test('malformed hashes never verify', () => {
    for (const hash of ['', '$2y$04$short', '$2x$04$abcdefghijklmnopqrstuubyCG3zY1GIXMyxfivm.ClDiInHzxjiq', '$2y$4$abcdefghijklmnopqrstuubyCG3zY1GIXMyxfivm.ClDiInHzxjiq']) {
      expect(bcryptVerify('', hash)).toBe(false);
    }
    expect(() => bcryptHash('x', '$2y$03$abcdefghijklmnopqrstuu')).toThrow(/cost/);
  });
  test('base64 round trip', () => {
    const bytes = Uint8Array.from({ length: 23 }, (_, i) => (i * 37) & 0xff);
    expect(bcryptBase64Decode(bcryptBase64Encode(bytes), 23)).toEqual(bytes);
    expect(bcryptBase64Encode(bytes)).toHaveLength(31);
  });
});

describe('htpasswd', () => {
  test('apr1 matches openssl passwd -apr1', () => {
    expect(apr1Hash('password', 'xxxxxxxx')).toBe('$apr1$xxxxxxxx$dxHfLAsjHkDRmG83UXe8K0');
    expect(apr1Hash('', 'ab')).toBe('$apr1$ab$S8K6Sgp3W8c9Jb6LxgywZ.');
    expect(apr1Hash('a much longer password with ünicode!', 'saltsalt')).toBe('$apr1$saltsalt$30xehNMSsyrfr3xANqAbh1');
  });
  test('parses bcrypt, apr1 and {SHA} entries and reports the rest', () => {
    const parsed = parseHtpasswd(
      [
        '# users',
        'alice:$2y$04$abcdefghijklmnopqrstuughE8Ev8uGFaUgY2cNEySvxngrb/Jzdm',
        'bob:$apr1$xxxxxxxx$dxHfLAsjHkDRmG83UXe8K0',
        'carol:{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=',
        'dave:abJnggxhB/yWI',
        'plain:secret',
        'nocolon',
        '',
      ].join('\r\n'),
    );
    expect([...parsed.entries.keys()]).toEqual(['alice', 'bob', 'carol']);
    expect(parsed.problems.map((problem) => problem.line)).toEqual([5, 6, 7]);
    expect(parsed.problems[0].reason).toMatch(/htpasswd -B/);
    expect(verifyPassword(parsed.entries.get('alice')!, 'password')).toBe(true);
    expect(verifyPassword(parsed.entries.get('bob')!, 'password')).toBe(true);
    expect(verifyPassword(parsed.entries.get('carol')!, 'secret')).toBe(true);
    expect(verifyPassword(parsed.entries.get('carol')!, 'Secret')).toBe(false);
    expect(verifyPassword(parsed.entries.get('bob')!, 'passwd')).toBe(false);
  });
});

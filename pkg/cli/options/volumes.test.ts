// -v, --tmpfs and --mount parsing against what docker 28's CLI sends and the errors it prints.
import { describe, expect, test } from 'vitest';
import { MountSpecError, parseMountSpec } from './mounts.js';
import { parseTmpfs, parseVolumeSpec, splitVolumes, VolumeSpecError } from './volumes.js';

describe('-v', () => {
  test('binds and named volumes go to Binds, anonymous ones to Volumes, relative sources become absolute', () => {
    expect(splitVolumes(['/host:/ctr:ro', 'name:/data', '/anon', './rel:/rel', '/anon'], '/work')).toEqual({
      binds: ['/host:/ctr:ro', 'name:/data', '/work/rel:/rel'],
      volumes: { '/anon': {} },
    });
  });

  const kinds: [string, { type: string; source: string; target: string; readOnly: boolean }][] = [
    ['/host:/ctr:ro', { type: 'bind', source: '/host', target: '/ctr', readOnly: true }],
    ['~/x:/y', { type: 'bind', source: '~/x', target: '/y', readOnly: false }],
    ['name:/data:rw,nocopy', { type: 'volume', source: 'name', target: '/data', readOnly: false }],
    ['/anon', { type: 'volume', source: '', target: '/anon', readOnly: false }],
    // Two characters or fewer are always a target, and "x:" reads as a Windows drive letter.
    [':', { type: 'volume', source: '', target: ':', readOnly: false }],
    ['a:', { type: 'volume', source: '', target: 'a:', readOnly: false }],
    ['x:y', { type: 'volume', source: '', target: 'x:y', readOnly: false }],
    ['c:/a:/b', { type: 'bind', source: 'c:/a', target: '/b', readOnly: false }],
  ];
  for (const [spec, expected] of kinds) test(`parses ${spec}`, () => expect(parseVolumeSpec(spec)).toEqual(expected));

  const errors: [string, string][] = [
    ['', 'invalid empty volume spec'],
    ['/a::/b', 'invalid spec: /a::/b: empty section between colons'],
    ['/a:/b:ro:x', 'invalid spec: /a:/b:ro:x: too many colons'],
  ];
  for (const [spec, message] of errors) {
    test(`rejects ${JSON.stringify(spec)}`, () => {
      expect(() => parseVolumeSpec(spec)).toThrow(VolumeSpecError);
      expect(() => parseVolumeSpec(spec)).toThrow(message);
    });
  }
});

describe('--tmpfs', () => {
  test('path and options split at the first colon, keys sorted', () => {
    expect(parseTmpfs(['/run:rw,size=1m', '/x', '/a:b:c'])).toEqual({ '/a': 'b:c', '/run': 'rw,size=1m', '/x': '' });
  });
});

describe('--mount', () => {
  const cases: [string, unknown][] = [
    ['type=bind,src=/a,dst=/b,ro,bind-propagation=rshared', { Type: 'bind', Source: '/a', Target: '/b', ReadOnly: true, BindOptions: { Propagation: 'rshared' } }],
    [
      'type=volume,source=v,target=/v,volume-nocopy,volume-label=a=b,volume-driver=local,volume-opt=o=1,volume-subpath=sub',
      { Type: 'volume', Source: 'v', Target: '/v', VolumeOptions: { NoCopy: true, Labels: { a: 'b' }, Subpath: 'sub', DriverConfig: { Name: 'local', Options: { o: '1' } } } },
    ],
    ['type=tmpfs,dst=/t,tmpfs-size=1m,tmpfs-mode=1777', { Type: 'tmpfs', Target: '/t', TmpfsOptions: { SizeBytes: 1048576, Mode: 0o1777 } }],
    ['target=/x', { Type: 'volume', Target: '/x' }],
    ['type=bind,src=./rel,dst=/x', { Type: 'bind', Source: '/work/rel', Target: '/x' }],
    ['Type=Bind,Src=/a,Target=/b,READONLY', { Type: 'bind', Source: '/a', Target: '/b', ReadOnly: true }],
    ['type=volume,dst=/x,volume-label=noeq,volume-opt==x,volume-label=k=v=w', { Type: 'volume', Target: '/x', VolumeOptions: { Labels: { k: 'v=w', noeq: '' }, DriverConfig: {} } }],
    ['type=volume,dst=/b,volume-nocopy=false', { Type: 'volume', Target: '/b', VolumeOptions: { DriverConfig: {} } }],
    ['type=bind,dst=/b,bind-nonrecursive', { Type: 'bind', Target: '/b', BindOptions: { NonRecursive: true } }],
    [
      'type=bind,dst=/b,bind-recursive=readonly,ro,bind-propagation=rprivate',
      { Type: 'bind', Target: '/b', ReadOnly: true, BindOptions: { Propagation: 'rprivate', ReadOnlyForceRecursive: true } },
    ],
    ['type=bind,dst=/b,consistency=Cached,ro=0', { Type: 'bind', Target: '/b', Consistency: 'cached' }],
    ['type=bind,"src=/a,b",dst=/c', { Type: 'bind', Source: '/a,b', Target: '/c' }],
    ['type=image,src=x,dst=/b,image-subpath=s', { Type: 'image', Source: 'x', Target: '/b', ImageOptions: { Subpath: 's' } }],
  ];
  for (const [spec, expected] of cases) {
    test(`parses ${spec}`, () => expect(JSON.stringify(parseMountSpec(spec, '/work'))).toBe(JSON.stringify(expected)));
  }

  const errors: [string, string][] = [
    ['', 'EOF'],
    ['type=bind', 'target is required'],
    ['type=,dst=/x', 'type is required'],
    ['bogus', "invalid field 'bogus' must be a key=value pair"],
    ['foo=bar', "unexpected key 'foo' in 'foo=bar'"],
    ['type=bind,dst=/b,', "invalid field '' must be a key=value pair"],
    ['type=bind,src=/a,dst=/b,volume-nocopy', "cannot mix 'volume-*' options with mount type 'bind'"],
    ['type=volume,dst=/b,bind-propagation=shared', "cannot mix 'bind-*' options with mount type 'volume'"],
    ['type=volume,dst=/b,tmpfs-size=1m', "cannot mix 'tmpfs-*' options with mount type 'volume'"],
    ['type=volume,dst=/b,image-subpath=s', "cannot mix 'image-*' options with mount type 'volume'"],
    ['type=tmpfs,dst=/b,tmpfs-size=x', 'invalid value for tmpfs-size: x'],
    ['type=tmpfs,dst=/b,tmpfs-mode=9', 'invalid value for tmpfs-mode: 9'],
    ['type=bind,dst=/b,ro=maybe', 'invalid value for ro: maybe'],
    ['type=volume,dst=/x,volume-nocopy=x', 'invalid value for volume-nocopy: x'],
    ['type=bind,dst=/b,bind-recursive=bogus', 'invalid value for bind-recursive: bogus (must be "enabled", "disabled", "writable", or "readonly")'],
    ['type=bind,dst=/b,bind-recursive=writable', "option 'bind-recursive=writable' requires 'readonly' to be specified in conjunction"],
    ['type=bind,dst=/b,bind-recursive=readonly,ro', "option 'bind-recursive=readonly' requires 'bind-propagation=rprivate' to be specified in conjunction"],
    ['type=bind,"src=/a', 'parse error on line 1, column 18: extraneous or missing " in quoted-field'],
    ['type=bind,src=/a"b,dst=/b', 'parse error on line 1, column 17: bare " in non-quoted-field'],
    ['"type=bind"x,dst=/b', 'parse error on line 1, column 11: extraneous or missing " in quoted-field'],
    ['é"', 'parse error on line 1, column 3: bare " in non-quoted-field'],
    ['a,"b\nc', 'record on line 1; parse error on line 2, column 2: extraneous or missing " in quoted-field'],
  ];
  for (const [spec, message] of errors) {
    test(`rejects ${JSON.stringify(spec)}`, () => {
      expect(() => parseMountSpec(spec, '/work')).toThrow(MountSpecError);
      expect(() => parseMountSpec(spec, '/work')).toThrow(message);
    });
  }
});

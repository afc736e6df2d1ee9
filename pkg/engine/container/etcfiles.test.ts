import { describe, expect, test } from 'vitest';
import { hostsFile, resolvConf } from './etcfiles.js';

const DEFAULT_HOSTS = [
  '127.0.0.1\tlocalhost',
  '::1\tlocalhost ip6-localhost ip6-loopback',
  'fe00::0\tip6-localnet',
  'ff00::0\tip6-mcastprefix',
  'ff02::1\tip6-allnodes',
  'ff02::2\tip6-allrouters',
];

describe('hostsFile', () => {
  test('Docker\'s default entries, then the container\'s own address with its hostname', () => {
    expect(hostsFile({ hostname: 'abc123', domainname: '', addresses: [{ ip: '172.17.0.2', names: [] }], extraHosts: [] })).toBe(
      `${[...DEFAULT_HOSTS, '172.17.0.2\tabc123'].join('\n')}\n`,
    );
  });

  test('no address (network none): only the defaults', () => {
    expect(hostsFile({ hostname: 'abc123', domainname: '', addresses: [], extraHosts: [] })).toBe(`${DEFAULT_HOSTS.join('\n')}\n`);
  });

  test('with a domain name: the FQDN first, then the short name', () => {
    const text = hostsFile({ hostname: 'web', domainname: 'example.com', addresses: [{ ip: '10.0.0.5', names: [] }], extraHosts: [] });
    expect(text.trimEnd().split('\n').at(-1)).toBe('10.0.0.5\tweb.example.com web');
  });

  test('aliases follow the hostname, which is not repeated', () => {
    const text = hostsFile({ hostname: 'web', domainname: '', addresses: [{ ip: '10.0.0.5', names: ['web', 'frontend', 'app_web_1'] }], extraHosts: [] });
    expect(text.trimEnd().split('\n').at(-1)).toBe('10.0.0.5\tweb frontend app_web_1');
  });

  test('one line per network address', () => {
    const text = hostsFile({ hostname: 'web', domainname: '', addresses: [{ ip: '10.0.0.5', names: [] }, { ip: '10.1.0.5', names: ['api'] }], extraHosts: [] });
    expect(text.trimEnd().split('\n').slice(-2)).toEqual(['10.0.0.5\tweb', '10.1.0.5\tweb api']);
  });

  test('--add-host entries (host:ip, host=ip, IPv6) come before the container\'s own line', () => {
    const text = hostsFile({
      hostname: 'web',
      domainname: '',
      addresses: [{ ip: '10.0.0.5', names: [] }],
      extraHosts: ['db:10.0.0.9', 'cache=10.0.0.10', 'v6host:2001:db8::1', 'v6eq=::1', 'broken'],
    });
    expect(text.trimEnd().split('\n').slice(DEFAULT_HOSTS.length)).toEqual([
      '10.0.0.9\tdb',
      '10.0.0.10\tcache',
      '2001:db8::1\tv6host',
      '::1\tv6eq',
      '10.0.0.5\tweb',
    ]);
  });
});

describe('resolvConf', () => {
  const HOST = '# Generated\nnameserver 10.0.0.2\nnameserver 127.0.0.53\nsearch corp.example lab.example\noptions edns0 trust-ad\n';

  test('the host\'s servers without loopback ones, with its search and options', () => {
    expect(resolvConf({ host: HOST })).toBe('nameserver 10.0.0.2\nsearch corp.example lab.example\noptions edns0 trust-ad\n');
  });

  test('only loopback servers on the host (systemd-resolved): Google\'s public DNS instead', () => {
    expect(resolvConf({ host: 'nameserver 127.0.0.53\nnameserver ::1\noptions edns0\n' })).toBe('nameserver 8.8.8.8\nnameserver 8.8.4.4\noptions edns0\n');
  });

  test('an empty host file: the fallback servers only', () => {
    expect(resolvConf({ host: '' })).toBe('nameserver 8.8.8.8\nnameserver 8.8.4.4\n');
  });

  for (const loopback of ['127.0.0.1', '127.0.1.1', '127.255.0.9', '::1', '0:0:0:0:0:0:0:1']) {
    test(`drops the loopback server ${loopback}`, () => {
      expect(resolvConf({ host: `nameserver ${loopback}\nnameserver 192.168.1.1\n` })).toBe('nameserver 192.168.1.1\n');
    });
  }

  test('keeps IPv6 and non-loopback servers that merely look similar', () => {
    expect(resolvConf({ host: 'nameserver 2001:4860:4860::8888\nnameserver 12.7.0.1\nnameserver ::10\n' })).toBe(
      'nameserver 2001:4860:4860::8888\nnameserver 12.7.0.1\nnameserver ::10\n',
    );
  });

  test('--dns replaces the host\'s servers (loopback ones are kept when asked for)', () => {
    expect(resolvConf({ host: HOST, nameservers: ['1.1.1.1', '127.0.0.11'] })).toBe(
      'nameserver 1.1.1.1\nnameserver 127.0.0.11\nsearch corp.example lab.example\noptions edns0 trust-ad\n',
    );
  });

  test('--dns-search and --dns-option replace the host\'s', () => {
    expect(resolvConf({ host: HOST, search: ['svc.local'], options: ['ndots:2'] })).toBe('nameserver 10.0.0.2\nsearch svc.local\noptions ndots:2\n');
  });

  test('--dns-search . removes the search line', () => {
    expect(resolvConf({ host: HOST, search: ['.'] })).toBe('nameserver 10.0.0.2\noptions edns0 trust-ad\n');
  });

  test('empty overrides keep the host\'s values', () => {
    expect(resolvConf({ host: HOST, nameservers: [], search: [], options: [] })).toBe(resolvConf({ host: HOST }));
  });

  test('domain counts as search; the last search/domain line wins, as in resolv.conf(5)', () => {
    expect(resolvConf({ host: 'nameserver 10.0.0.2\nsearch a.example\ndomain b.example\n' })).toBe('nameserver 10.0.0.2\nsearch b.example\n');
  });

  test('tolerates indentation, tabs and comment lines', () => {
    expect(resolvConf({ host: '  nameserver\t10.0.0.3\n; comment\n# nameserver 10.9.9.9\nnameserver\n' })).toBe('nameserver 10.0.0.3\n');
  });
});

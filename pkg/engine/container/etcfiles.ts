// Contents of the per-container /etc/hostname, /etc/hosts and /etc/resolv.conf (pure), written
// by the container layer and bind-mounted into the container like Docker does.

export interface HostsInput {
  hostname: string;
  domainname: string;
  /** The container's own addresses (one line each, with its hostname and aliases). */
  addresses: Array<{ ip: string; names: string[] }>;
  extraHosts: string[];
}

export function hostsFile(input: HostsInput): string {
  const lines = [
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    'fe00::0\tip6-localnet',
    'ff00::0\tip6-mcastprefix',
    'ff02::1\tip6-allnodes',
    'ff02::2\tip6-allrouters',
  ];
  for (const extra of input.extraHosts) {
    const separator = extra.indexOf(':') >= 0 && !extra.includes('=') ? extra.indexOf(':') : extra.indexOf('=');
    if (separator < 0) continue;
    lines.push(`${extra.slice(separator + 1)}\t${extra.slice(0, separator)}`);
  }
  const fqdn = input.domainname ? `${input.hostname}.${input.domainname} ${input.hostname}` : input.hostname;
  for (const address of input.addresses) {
    lines.push(`${address.ip}\t${[fqdn, ...address.names.filter((n) => n !== input.hostname)].join(' ')}`);
  }
  return `${lines.join('\n')}\n`;
}

export interface ResolvConfInput {
  /** The host's /etc/resolv.conf. */
  host: string;
  /** Nameservers to use instead of the host's (embedded DNS, --dns). */
  nameservers?: string[];
  search?: string[];
  options?: string[];
}

const LOCALHOST_NAMESERVER = /^(127\.|::1$|0:0:0:0:0:0:0:1$)/;
const FALLBACK_NAMESERVERS = ['8.8.8.8', '8.8.4.4'];

/** The container's resolv.conf: the host's minus loopback servers (unreachable from a netns). */
export function resolvConf(input: ResolvConfInput): string {
  const hostServers: string[] = [];
  let hostSearch: string[] = [];
  let hostOptions: string[] = [];
  for (const raw of input.host.split('\n')) {
    const line = raw.trim();
    const [key, ...values] = line.split(/\s+/);
    if (key === 'nameserver' && values[0]) hostServers.push(values[0]);
    else if (key === 'search' || key === 'domain') hostSearch = values;
    else if (key === 'options') hostOptions = values;
  }
  let servers = input.nameservers && input.nameservers.length ? input.nameservers : hostServers.filter((s) => !LOCALHOST_NAMESERVER.test(s));
  if (servers.length === 0) servers = FALLBACK_NAMESERVERS;
  const search = input.search && input.search.length ? input.search : hostSearch;
  const options = input.options && input.options.length ? input.options : hostOptions;
  const lines = servers.map((s) => `nameserver ${s}`);
  if (search.length && !(search.length === 1 && search[0] === '.')) lines.push(`search ${search.join(' ')}`);
  if (options.length) lines.push(`options ${options.join(' ')}`);
  return `${lines.join('\n')}\n`;
}

// ip.ts: the one module that changes links, addresses, routes and network namespaces — through
// iproute2 (`ip`, batched so one container costs two processes), util-linux (`unshare`,
// `nsenter`, `umount`) and /proc/sys. argv arrays, timeouts, stderr in errors.

import { spawn } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { BerthError, InternalError, hasErrno } from '../../errdefs/index.js';

const ENV = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C' };
const TIMEOUT_MS = 15_000;

export class NetlinkError extends BerthError {
  constructor(readonly command: string, readonly stderr: string, options?: ErrorOptions) {
    super('internal', `${command}: ${stderr || 'failed'}`, options);
  }
}

function exec(file: string, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env: ENV, timeout: TIMEOUT_MS, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (err) => reject(new NetlinkError(`${file} ${args.join(' ')}`, err.message, { cause: err })));
    child.on('close', (code) => {
      if (code === 0) resolve(stdout);
      else reject(new NetlinkError(`${file} ${args.slice(0, 3).join(' ')}`, stderr.trim() || `exit ${code}`));
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(input ?? '');
  });
}

/** Runs `ip -batch -` with the given lines (one `ip` command each, without the leading "ip"). */
export function ipBatch(lines: string[], netnsPath?: string): Promise<string> {
  const input = `${lines.join('\n')}\n`;
  if (netnsPath) return exec('nsenter', [`--net=${netnsPath}`, 'ip', '-batch', '-'], input);
  return exec('ip', ['-batch', '-'], input);
}

export async function linkExists(name: string): Promise<boolean> {
  try {
    await exec('ip', ['-j', 'link', 'show', 'dev', name]);
    return true;
  } catch {
    return false;
  }
}

export async function deleteLink(name: string): Promise<void> {
  try {
    await exec('ip', ['link', 'del', 'dev', name]);
  } catch (err) {
    if (err instanceof NetlinkError && /Cannot find device|does not exist/.test(err.stderr)) return;
    throw err;
  }
}

/** IPv4 destinations of the host's routes (to keep new networks clear of them). */
export async function routeDestinations(): Promise<string[]> {
  const routes = JSON.parse(await exec('ip', ['-j', '-4', 'route', 'show', 'table', 'all'])) as Array<{ dst?: string; type?: string }>;
  return routes
    .filter((r) => r.dst && r.dst !== 'default' && (r.type === undefined || r.type === 'unicast'))
    .map((r) => (r.dst!.includes('/') ? r.dst! : `${r.dst}/32`));
}

/** Creates (or finds) a bridge with the gateway address, up. Idempotent. */
export async function ensureBridge(name: string, gatewayCidr: string): Promise<void> {
  if (!(await linkExists(name))) {
    await ipBatch([`link add ${name} type bridge`, `link set ${name} up`]);
  }
  const addresses = JSON.parse(await exec('ip', ['-j', '-4', 'addr', 'show', 'dev', name])) as Array<{ addr_info?: Array<{ local: string; prefixlen: number }> }>;
  const present = (addresses[0]?.addr_info ?? []).map((a) => `${a.local}/${a.prefixlen}`);
  if (!present.includes(gatewayCidr)) await exec('ip', ['addr', 'add', gatewayCidr, 'dev', name]);
  await exec('ip', ['link', 'set', name, 'up']);
}

/** Writes a sysctl under /proc/sys (e.g. net/ipv4/ip_forward). */
export async function setSysctl(key: string, value: string): Promise<void> {
  const file = path.join('/proc/sys', key.replace(/\./g, '/'));
  try {
    if ((await readFile(file, 'utf8')).trim() === value) return;
    await writeFile(file, value);
  } catch (err) {
    throw new InternalError(`sysctl ${key}=${value}: ${(err as Error).message}`, { cause: err });
  }
}

/** Makes a directory a private mount of itself, so namespace files can be bind-mounted into it. */
export async function preparePrivateMountDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const mountinfo = await readFile('/proc/self/mountinfo', 'utf8');
  const mounted = mountinfo.split('\n').some((line) => line.split(' ')[4] === dir);
  if (!mounted) await exec('mount', ['--bind', dir, dir]);
  await exec('mount', ['--make-private', dir]);
}

/** Creates a persistent network namespace bound at `file` (with only a loopback). */
export async function createNetns(file: string): Promise<void> {
  await writeFile(file, '', { flag: 'a' });
  await exec('unshare', [`--net=${file}`, 'true']);
}

export async function deleteNetns(file: string): Promise<void> {
  try {
    await exec('umount', [file]);
  } catch (err) {
    if (!(err instanceof NetlinkError && /not mounted|no mount point|not found/.test(err.stderr))) throw err;
  }
  await rm(file, { force: true });
}

export async function netnsExists(file: string): Promise<boolean> {
  try {
    const mountinfo = await readFile('/proc/self/mountinfo', 'utf8');
    return mountinfo.split('\n').some((line) => line.split(' ')[4] === file);
  } catch (err) {
    if (hasErrno(err, 'ENOENT')) return false;
    throw err;
  }
}

export interface EndpointPlumbing {
  netns: string;
  bridge: string;
  hostVeth: string;
  ifname: string;
  address: string;
  prefix: number;
  mac: string;
  /** Default route through this gateway (the container's first non-internal network). */
  defaultGateway?: string;
}

/** A veth pair from the bridge into the namespace, configured inside: 2 processes in all. */
export async function plugEndpoint(endpoint: EndpointPlumbing): Promise<void> {
  await ipBatch([
    `link add ${endpoint.hostVeth} type veth peer name ${endpoint.ifname} address ${endpoint.mac} netns ${endpoint.netns}`,
    `link set ${endpoint.hostVeth} master ${endpoint.bridge}`,
    // Hairpin: a container can reach its own published ports through the host.
    `link set dev ${endpoint.hostVeth} type bridge_slave hairpin on`,
    `link set ${endpoint.hostVeth} up`,
  ]);
  const inside = [
    'link set lo up',
    `addr add ${endpoint.address}/${endpoint.prefix} dev ${endpoint.ifname}`,
    `link set ${endpoint.ifname} up`,
  ];
  if (endpoint.defaultGateway) inside.push(`route replace default via ${endpoint.defaultGateway} dev ${endpoint.ifname}`);
  try {
    await ipBatch(inside, endpoint.netns);
  } catch (err) {
    await deleteLink(endpoint.hostVeth).catch(() => undefined);
    throw err;
  }
}

/** Brings up the loopback of a namespace (containers with no network). */
export function loopbackUp(netns: string): Promise<string> {
  return ipBatch(['link set lo up'], netns);
}

export async function unplugEndpoint(hostVeth: string): Promise<void> {
  await deleteLink(hostVeth);
}

/** The interface names present in a namespace. */
export async function namespaceLinks(netns: string): Promise<string[]> {
  const output = await exec('nsenter', [`--net=${netns}`, 'ip', '-j', 'link', 'show']);
  return (JSON.parse(output) as Array<{ ifname: string }>).map((l) => l.ifname);
}

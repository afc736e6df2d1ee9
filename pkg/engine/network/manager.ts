// The network manager: network objects (create, list, inspect, remove, prune), their bridges, the
// nftables table and the embedded DNS, all rebuilt from the persisted records at daemon start.
// Container endpoints (start/stop/connect/disconnect) are in endpoints.ts.

import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { ConflictError, ForbiddenError, InvalidArgumentError, NotFoundError, hasErrno } from '../../errdefs/index.js';
import { writeJsonAtomic } from '../../fsutil/index.js';
import { nowTimestamp } from '../container/index.js';
import type { EventBus } from '../events/index.js';
import { DnsServer } from './dns.js';
import * as ip from './ip.js';
import { DEFAULT_ADDRESS_POOLS, checkSubnetConfig, pickSubnet, type AddressPool } from './ipam.js';
import { formatCidr, parseCidr, type Cidr } from './ipnet.js';
import { PREDEFINED, networkView, type NetworkRecord } from './model.js';
import { applyRuleset, renderRuleset, type NftState } from './nft.js';
import type { PortBinding } from './ports.js';
import { PortAllocator } from './ports.js';

export interface NetworkManagerOptions {
  dataRoot: string;
  execRoot: string;
  log: Logger;
  events: EventBus;
  pools?: AddressPool[];
  /** Where the host's resolvers are read from (forwarding and containers' resolv.conf). */
  resolvConf: string;
  /** nftables table name. */
  table?: string;
  /** Name of the default bridge device. */
  defaultBridge?: string;
}

export interface CreateNetworkRequest {
  Name?: string;
  Driver?: string;
  Internal?: boolean;
  Attachable?: boolean;
  Ingress?: boolean;
  EnableIPv6?: boolean;
  CheckDuplicate?: boolean;
  IPAM?: { Driver?: string; Options?: Record<string, string> | null; Config?: Array<{ Subnet?: string; IPRange?: string; Gateway?: string; AuxiliaryAddresses?: unknown }> | null } | null;
  Options?: Record<string, string> | null;
  Labels?: Record<string, string> | null;
}

/** Published ports of a running container (kept on disk so the table survives restarts). */
export interface PublishedPorts {
  containerIp: string;
  bindings: PortBinding[];
}

const NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

export class NetworkManager {
  readonly networks = new Map<string, NetworkRecord>();
  published: Record<string, PublishedPorts> = {};
  ports: PortAllocator;
  readonly dns: DnsServer;
  readonly log: Logger;
  readonly table: string;
  readonly netnsDir: string;
  private readonly dir: string;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(readonly options: NetworkManagerOptions) {
    this.log = options.log;
    this.table = options.table ?? 'berth';
    this.dir = path.join(options.dataRoot, 'network');
    this.netnsDir = path.join(options.execRoot, 'netns');
    this.ports = new PortAllocator({ start: 32768, end: 60999 });
    this.dns = new DnsServer(
      {
        lookup: (name, client, local) => this.lookupName(name, client, local),
        reverse: (address, client) => this.reverseName(address, client),
      },
      () => this.upstreamResolvers,
      this.log.child({ component: 'dns' }),
    );
  }

  private upstreamResolvers: string[] = [];

  /** Serialises changes to networks, endpoints and the nft table. */
  locked<T>(action: () => Promise<T>): Promise<T> {
    const next = this.chain.then(action, action);
    this.chain = next.catch(() => undefined);
    return next;
  }

  async open(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await ip.preparePrivateMountDir(this.netnsDir);
    await ip.setSysctl('net.ipv4.ip_forward', '1');
    const range = await readFile('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').catch(() => '32768 60999');
    const [start, end] = range.trim().split(/\s+/).map(Number);
    if (start > 0 && end >= start) this.ports = new PortAllocator({ start, end });
    await this.readUpstreams();
    for (const file of await readdir(this.dir)) {
      if (!file.endsWith('.json') || file === 'ports.json') continue;
      try {
        const record = JSON.parse(await readFile(path.join(this.dir, file), 'utf8')) as NetworkRecord;
        this.networks.set(record.id, record);
      } catch (err) {
        this.log.error({ file, err }, 'unreadable network record, skipped');
      }
    }
    try {
      this.published = JSON.parse(await readFile(path.join(this.dir, 'ports.json'), 'utf8')) as Record<string, PublishedPorts>;
    } catch (err) {
      if (!hasErrno(err, 'ENOENT')) this.log.error({ err }, 'unreadable ports.json, ignored');
    }
    await this.ensurePredefined();
    for (const network of this.networks.values()) await this.bringUp(network);
    await this.applyRules();
  }

  private async readUpstreams(): Promise<void> {
    const text = await readFile(this.options.resolvConf, 'utf8').catch(() => '');
    this.upstreamResolvers = text
      .split('\n')
      .map((line) => /^\s*nameserver\s+(\d+\.\d+\.\d+\.\d+)/.exec(line)?.[1])
      .filter((s): s is string => Boolean(s));
  }

  /** Creates the bridge device with its gateway address and starts DNS (idempotent). */
  private async bringUp(network: NetworkRecord): Promise<void> {
    if (network.driver !== 'bridge') return;
    const config = network.ipam.Config[0];
    await ip.ensureBridge(network.bridge, `${config.Gateway}/${parseCidr(config.Subnet).prefix}`);
    // Lets DNAT-ed connections from the host's 127.0.0.1 leave through the bridge.
    await ip.setSysctl(`net.ipv4.conf.${network.bridge}.route_localnet`, '1');
    if (network.dns) await this.dns.listen(config.Gateway);
  }

  async close(): Promise<void> {
    this.dns.closeAll();
    this.ports.releaseAll();
  }

  save(network: NetworkRecord): Promise<void> {
    return writeJsonAtomic(path.join(this.dir, `${network.id}.json`), network);
  }

  savePublished(): Promise<void> {
    return writeJsonAtomic(path.join(this.dir, 'ports.json'), this.published);
  }

  /** Re-renders and atomically replaces the nftables table. */
  async applyRules(): Promise<void> {
    const state: NftState = {
      networks: [...this.networks.values()]
        .filter((n) => n.driver === 'bridge')
        .map((n) => ({ bridge: n.bridge, subnet: n.ipam.Config[0].Subnet, internal: n.internal })),
      ports: Object.values(this.published).flatMap((p) =>
        p.bindings.map((b) => ({ protocol: b.protocol, hostIp: b.hostIp, hostPort: b.hostPort, containerIp: p.containerIp, containerPort: b.containerPort })),
      ),
    };
    // Most starts and stops change no rule (no published ports): skip the nft process then.
    if (renderRuleset(this.table, state) === this.appliedRules) return;
    this.appliedRules = await applyRuleset(this.table, state);
  }

  /** The script last applied (the table is replaced whole, so this is its content). */
  private appliedRules = '';

  private async usedSubnets(): Promise<Cidr[]> {
    const used = [...this.networks.values()].flatMap((n) => n.ipam.Config.map((c) => parseCidr(c.Subnet)));
    for (const destination of await ip.routeDestinations()) {
      try {
        const route = parseCidr(destination);
        // Our own bridges' routes are already counted; skip host routes wider than a /8 (defaults).
        if (route.prefix >= 8) used.push(route);
      } catch {
        // not an IPv4 route
      }
    }
    return used;
  }

  private async ensurePredefined(): Promise<void> {
    const byName = (name: string): NetworkRecord | undefined => [...this.networks.values()].find((n) => n.name === name);
    const base = (name: string, driver: NetworkRecord['driver']): NetworkRecord => ({
      id: randomBytes(32).toString('hex'),
      name,
      created: nowTimestamp(),
      driver,
      internal: false,
      attachable: false,
      labels: {},
      options: {},
      ipam: { Driver: 'default', Options: {}, Config: [] },
      bridge: '',
      predefined: true,
      dns: false,
      endpoints: {},
    });
    if (!byName('bridge')) {
      const subnet = pickSubnet(this.options.pools ?? DEFAULT_ADDRESS_POOLS, await this.usedSubnets());
      const network = base('bridge', 'bridge');
      network.bridge = this.options.defaultBridge ?? 'berth0';
      network.ipam.Config = [{ Subnet: formatCidr(subnet), Gateway: checkSubnetConfig({ Subnet: formatCidr(subnet) }, []).gateway }];
      network.options = {
        'com.docker.network.bridge.default_bridge': 'true',
        'com.docker.network.bridge.enable_icc': 'true',
        'com.docker.network.bridge.enable_ip_masquerade': 'true',
        'com.docker.network.bridge.host_binding_ipv4': '0.0.0.0',
        'com.docker.network.bridge.name': network.bridge,
        'com.docker.network.driver.mtu': '1500',
      };
      this.networks.set(network.id, network);
      await this.save(network);
    }
    for (const [name, driver] of [['host', 'host'], ['none', 'null']] as const) {
      if (byName(name)) continue;
      const network = base(name, driver);
      this.networks.set(network.id, network);
      await this.save(network);
    }
  }

  /** Docker's lookup: full id, exact name, then a unique id prefix. NotFoundError otherwise. */
  find(reference: string): NetworkRecord {
    const exact = this.networks.get(reference);
    if (exact) return exact;
    const byName = [...this.networks.values()].find((n) => n.name === reference);
    if (byName) return byName;
    const prefixed = [...this.networks.values()].filter((n) => n.id.startsWith(reference));
    if (prefixed.length === 1) return prefixed[0];
    if (prefixed.length > 1) throw new InvalidArgumentError(`network ${reference} is ambiguous (${prefixed.length} matches found based on ID prefix)`);
    throw new NotFoundError(`network ${reference} not found`);
  }

  async create(request: CreateNetworkRequest): Promise<{ Id: string; Warning: string }> {
    return this.locked(async () => {
      const name = request.Name ?? '';
      if (!name) throw new InvalidArgumentError('network name must not be empty');
      if (!NAME_PATTERN.test(name)) throw new InvalidArgumentError(`invalid network name "${name}": only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
      if (PREDEFINED.has(name)) throw new ForbiddenError(`operation is not permitted on predefined ${name} network`);
      if ([...this.networks.values()].some((n) => n.name === name)) throw new ConflictError(`network with name ${name} already exists`);
      const driver = request.Driver || 'bridge';
      if (driver !== 'bridge') {
        throw new InvalidArgumentError(`could not find plugin ${driver} in v1 plugin registry: plugin not found (berth supports the bridge driver)`);
      }
      if (request.EnableIPv6) throw new InvalidArgumentError('IPv6 networks are not supported by berth');
      if (request.Ingress) throw new ForbiddenError('ingress networks exist only in swarm mode');
      if (request.IPAM?.Driver && request.IPAM.Driver !== 'default') throw new InvalidArgumentError(`IPAM driver ${request.IPAM.Driver} is not supported (default only)`);
      const configs = request.IPAM?.Config ?? [];
      if (configs.length > 1) throw new InvalidArgumentError('berth bridge networks take one IPv4 subnet');
      const others = [...this.networks.values()].flatMap((n) => n.ipam.Config.map((c) => ({ name: n.name, subnet: parseCidr(c.Subnet) })));
      let config;
      if (configs[0]?.Subnet) {
        config = checkSubnetConfig(configs[0], others);
      } else {
        if (configs[0]?.Gateway || configs[0]?.IPRange) throw new InvalidArgumentError('a gateway or ip-range needs a --subnet');
        const subnet = formatCidr(pickSubnet(this.options.pools ?? DEFAULT_ADDRESS_POOLS, await this.usedSubnets()));
        config = checkSubnetConfig({ Subnet: subnet }, others);
      }
      const id = randomBytes(32).toString('hex');
      const options = request.Options ?? {};
      const bridge = options['com.docker.network.bridge.name'] ?? `br-${id.slice(0, 12)}`;
      if (!/^[A-Za-z0-9_.-]{1,15}$/.test(bridge)) throw new InvalidArgumentError(`invalid bridge name ${bridge}: 1-15 characters of [A-Za-z0-9_.-]`);
      const network: NetworkRecord = {
        id,
        name,
        created: nowTimestamp(),
        driver: 'bridge',
        internal: Boolean(request.Internal),
        attachable: Boolean(request.Attachable),
        labels: request.Labels ?? {},
        options,
        ipam: {
          Driver: 'default',
          Options: request.IPAM?.Options ?? {},
          Config: [{ Subnet: config.subnet, ...(config.ipRange ? { IPRange: config.ipRange } : {}), Gateway: config.gateway }],
        },
        bridge,
        predefined: false,
        dns: true,
        endpoints: {},
      };
      try {
        await this.bringUp(network);
        this.networks.set(id, network);
        await this.applyRules();
        await this.save(network);
      } catch (err) {
        this.networks.delete(id);
        this.dns.close(config.gateway);
        await ip.deleteLink(bridge).catch(() => undefined);
        await this.applyRules().catch(() => undefined);
        throw err;
      }
      this.log.info({ networkId: id, name, subnet: config.subnet, bridge }, 'network created');
      this.options.events.emit('network', 'create', id, { name, type: 'bridge' });
      return { Id: id, Warning: '' };
    });
  }

  /** Removes a network no container uses; `inUse` lists containers configured on it. */
  async remove(reference: string, inUse: (network: NetworkRecord) => string[]): Promise<void> {
    await this.locked(async () => {
      const network = this.find(reference);
      if (network.predefined) throw new ForbiddenError(`${network.name} is a pre-defined network and cannot be removed`);
      const users = [...new Set([...Object.keys(network.endpoints), ...inUse(network)])];
      if (users.length > 0) {
        throw new ForbiddenError(`error while removing network: network ${network.name} id ${network.id} has active endpoints (${users.map((u) => u.slice(0, 12)).join(', ')})`);
      }
      this.dns.close(network.ipam.Config[0].Gateway);
      await ip.deleteLink(network.bridge);
      this.networks.delete(network.id);
      await this.applyRules();
      await rm(path.join(this.dir, `${network.id}.json`), { force: true });
      this.log.info({ networkId: network.id, name: network.name }, 'network removed');
      this.options.events.emit('network', 'destroy', network.id, { name: network.name, type: network.driver });
    });
  }

  list(filters: Record<string, string[]>): Array<Record<string, unknown>> {
    for (const key of Object.keys(filters)) {
      if (!['driver', 'id', 'label', 'name', 'scope', 'type', 'dangling'].includes(key)) throw new InvalidArgumentError(`invalid filter '${key}'`);
    }
    const any = (key: string, test: (value: string) => boolean): boolean => !filters[key]?.length || filters[key].some(test);
    return [...this.networks.values()]
      .filter(
        (n) =>
          any('driver', (v) => n.driver === v) &&
          any('id', (v) => n.id.startsWith(v)) &&
          any('name', (v) => n.name.includes(v)) &&
          any('scope', (v) => v === 'local') &&
          any('type', (v) => (v === 'builtin') === n.predefined) &&
          any('dangling', (v) => (v === 'true' || v === '1') === (!n.predefined && Object.keys(n.endpoints).length === 0)) &&
          (filters.label ?? []).every((v) => {
            const eq = v.indexOf('=');
            return eq < 0 ? v in n.labels : n.labels[v.slice(0, eq)] === v.slice(eq + 1);
          }),
      )
      .sort((a, b) => a.created.localeCompare(b.created))
      .map((n) => networkView(n, false));
  }

  inspect(reference: string): Record<string, unknown> {
    return networkView(this.find(reference), true);
  }

  /** Embedded DNS: the client's networks, the receiving network first; names case-insensitive. */
  private clientNetworks(client: string, local: string): NetworkRecord[] {
    const all = [...this.networks.values()].filter((n) => n.dns);
    const clientIds = all.flatMap((n) => Object.values(n.endpoints).filter((e) => e.address === client).map((e) => e.containerId));
    const mine = clientIds.length ? all.filter((n) => clientIds.some((id) => id in n.endpoints)) : all.filter((n) => n.ipam.Config[0]?.Gateway === local);
    return mine.sort((a, b) => Number(b.ipam.Config[0]?.Gateway === local) - Number(a.ipam.Config[0]?.Gateway === local));
  }

  private lookupName(name: string, client: string, local: string): string[] | undefined {
    const wanted = name.toLowerCase();
    for (const network of this.clientNetworks(client, local)) {
      const addresses = Object.values(network.endpoints)
        .filter((e) => e.dnsNames.some((n) => n.toLowerCase() === wanted || `${n}.${network.name}`.toLowerCase() === wanted))
        .map((e) => e.address);
      if (addresses.length) return addresses;
    }
    return undefined;
  }

  private reverseName(address: string, client: string): string[] | undefined {
    for (const network of this.clientNetworks(client, '')) {
      const endpoint = Object.values(network.endpoints).find((e) => e.address === address);
      if (endpoint) return [`${endpoint.containerName}.${network.name}`];
    }
    return undefined;
  }
}

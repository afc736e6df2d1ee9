// Container endpoints on bridge networks: the NetworkHooks the container layer calls (validate at
// create, set up before start, tear down after stop, restore after a daemon restart) and network
// connect/disconnect. Each container gets a network namespace file under <exec-root>/netns that
// runc joins; one veth per network plugs it into the network's bridge.

import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { ConflictError, ForbiddenError, InvalidArgumentError, NotFoundError } from '../../errdefs/index.js';
import type { ContainerRecord, EndpointSettings, NetworkHooks, NetworkSetup } from '../container/index.js';
import * as ip from './ip.js';
import { allocateAddress } from './ipam.js';
import { contains, isValidMac, macFromIPv4, parseCidr, parseIPv4 } from './ipnet.js';
import type { NetworkManager } from './manager.js';
import type { EndpointRecord, NetworkRecord } from './model.js';
import { portRequests, type PortBinding } from './ports.js';

type PortMap = Record<string, Array<{ HostIp: string; HostPort: string }> | null>;

function emptyEndpoint(network: NetworkRecord, config: Partial<EndpointSettings> | undefined): EndpointSettings {
  return {
    IPAMConfig: config?.IPAMConfig ?? null,
    Links: config?.Links ?? null,
    Aliases: config?.Aliases ?? null,
    MacAddress: config?.MacAddress ?? '',
    DriverOpts: config?.DriverOpts ?? null,
    GwPriority: 0,
    NetworkID: network.id,
    EndpointID: '',
    Gateway: '',
    IPAddress: '',
    IPPrefixLen: 0,
    IPv6Gateway: '',
    GlobalIPv6Address: '',
    GlobalIPv6PrefixLen: 0,
    DNSNames: null,
  };
}

/** Docker's NetworkSettings.Ports: bound ports with their host side, exposed ones as null. */
export function portMap(bindings: PortBinding[], exposed: Record<string, unknown> | undefined): PortMap {
  const map: PortMap = {};
  for (const key of Object.keys(exposed ?? {})) map[key.includes('/') ? key : `${key}/tcp`] = null;
  for (const binding of bindings) {
    const key = `${binding.containerPort}/${binding.protocol}`;
    (map[key] ??= []).push({ HostIp: binding.hostIp || '0.0.0.0', HostPort: String(binding.hostPort) });
  }
  return map;
}

export class BridgeNetworkHooks implements NetworkHooks {
  /** Running containers on the host or none network (no endpoint), whose connect was announced. */
  private readonly sharedNetworkUsers = new Map<string, NetworkRecord>();

  constructor(private readonly manager: NetworkManager) {}

  sandboxPath(containerId: string): string {
    return path.join(this.manager.netnsDir, containerId);
  }

  private checkEndpointConfig(network: NetworkRecord, config: Partial<EndpointSettings> | undefined): void {
    const requested = config?.IPAMConfig?.IPv4Address;
    if (requested) {
      if (network.predefined) throw new InvalidArgumentError('user specified IP address is supported on user defined networks only');
      const address = parseIPv4(requested);
      if (!contains(parseCidr(network.ipam.Config[0].Subnet), address)) {
        throw new InvalidArgumentError(`invalid address ${requested}: it does not belong to any of this network's subnets (${network.ipam.Config[0].Subnet})`);
      }
    }
    if (config?.Aliases?.length && network.predefined) {
      throw new InvalidArgumentError('network-scoped alias is supported only for containers in user defined networks');
    }
    if (config?.MacAddress && !isValidMac(config.MacAddress)) throw new InvalidArgumentError(`invalid MAC address: ${config.MacAddress}`);
  }

  async validate(record: ContainerRecord, lookup: (ref: string) => ContainerRecord): Promise<void> {
    const mode = record.hostConfig.NetworkMode || 'default';
    const endpointsConfig = record.networkingConfig.EndpointsConfig ?? {};
    record.networks = {};
    if (mode.startsWith('container:')) {
      const other = lookup(mode.slice('container:'.length));
      if (other.id === record.id) throw new InvalidArgumentError('cannot join own network namespace');
      if (record.hostConfig.PortBindings && Object.keys(record.hostConfig.PortBindings).length) {
        throw new InvalidArgumentError('conflicting options: port publishing and the container type network mode');
      }
      record.hostConfig.NetworkMode = `container:${other.id}`;
      return;
    }
    const primary = this.manager.find(mode === 'default' ? 'bridge' : mode);
    if (primary.driver !== 'bridge') {
      const config = endpointsConfig[mode] ?? endpointsConfig[primary.name];
      if (config?.IPAMConfig?.IPv4Address) throw new InvalidArgumentError('user specified IP address is supported on user defined networks only');
      const others = Object.keys(endpointsConfig).filter((name) => name !== mode && name !== primary.name && name !== primary.id);
      if (others.length) throw new InvalidArgumentError(`container cannot be connected to network endpoints: ${primary.name} and ${others.join(', ')}`);
      if (primary.driver === 'host' && Object.keys(record.hostConfig.PortBindings ?? {}).length) {
        // Docker ignores published ports with host networking (and warns); so do we.
        record.hostConfig.PortBindings = {};
      }
      record.networks[primary.name] = emptyEndpoint(primary, endpointsConfig[mode] ?? endpointsConfig[primary.name]);
      return;
    }
    const primaryConfig = endpointsConfig[mode] ?? endpointsConfig[primary.name] ?? endpointsConfig[primary.id];
    this.checkEndpointConfig(primary, primaryConfig);
    record.networks[primary.name] = emptyEndpoint(primary, primaryConfig);
    for (const [name, config] of Object.entries(endpointsConfig)) {
      if (name === mode || name === primary.name || name === primary.id) continue;
      const network = this.manager.find(name);
      if (network.driver !== 'bridge') throw new InvalidArgumentError(`container cannot be connected to network endpoints: ${primary.name} and ${network.name}`);
      this.checkEndpointConfig(network, config);
      record.networks[network.name] = emptyEndpoint(network, config);
    }
  }

  private dnsNames(record: ContainerRecord, aliases: string[]): string[] {
    const names = new Set([record.name, record.id.slice(0, 12), ...aliases]);
    if (record.config.Hostname && record.config.Hostname !== record.id.slice(0, 12)) names.add(record.config.Hostname);
    return [...names];
  }

  async setup(record: ContainerRecord, lookup: (ref: string) => ContainerRecord): Promise<NetworkSetup> {
    const mode = record.hostConfig.NetworkMode || 'default';
    if (mode.startsWith('container:')) {
      const other = lookup(mode.slice('container:'.length));
      if (!other.state.Running) throw new ConflictError(`cannot join network of a non running container: ${other.id}`);
      const sandbox = (other.extras.sandboxKey as string | undefined) || `/proc/${other.state.Pid}/ns/net`;
      return { namespace: { kind: 'path', path: sandbox }, addresses: [] };
    }
    const entries = Object.entries(record.networks);
    const first = entries[0] ? this.manager.networks.get(entries[0][1].NetworkID) : undefined;
    if (!first) throw new NotFoundError(`network ${entries[0]?.[0] ?? mode} not found`);
    if (first.driver === 'host' || first.driver === 'null') {
      // No endpoint to plug, but dockerd still reports the container joining the host/none network.
      if (!this.sharedNetworkUsers.has(record.id)) this.manager.options.events.emit('network', 'connect', first.id, { container: record.id, name: first.name, type: first.driver });
      this.sharedNetworkUsers.set(record.id, first);
      return { namespace: first.driver === 'host' ? { kind: 'host' } : { kind: 'private' }, addresses: [] };
    }
    return this.manager.locked(async () => {
      const sandbox = this.sandboxPath(record.id);
      if (await ip.netnsExists(sandbox)) await ip.deleteNetns(sandbox);
      await ip.createNetns(sandbox);
      try {
        const addresses: Array<{ ip: string; names: string[] }> = [];
        let gatewayDone = false;
        let index = 0;
        let nameserver: string | undefined;
        let publishIp: string | undefined;
        for (const [name, settings] of entries) {
          const network = this.manager.networks.get(settings.NetworkID) ?? this.manager.find(name);
          const endpoint = await this.plug(record, network, settings, `eth${index++}`, gatewayDone ? undefined : network);
          if (!network.internal) gatewayDone = true;
          addresses.push({ ip: endpoint.address, names: [] });
          if (network.dns && !nameserver) nameserver = network.ipam.Config[0].Gateway;
          if (!network.internal && !publishIp) publishIp = endpoint.address;
        }
        const requests = portRequests(record.hostConfig.PortBindings, record.config.ExposedPorts, record.hostConfig.PublishAllPorts);
        let bindings: PortBinding[] = [];
        if (requests.length && publishIp) {
          const target = publishIp;
          bindings = await this.manager.ports.allocate(record.id, requests, () => target);
          this.manager.published[record.id] = { containerIp: target, bindings };
          await this.manager.savePublished();
        }
        record.extras.ports = portMap(bindings, record.config.ExposedPorts);
        record.extras.sandboxKey = sandbox;
        await this.manager.applyRules();
        return { namespace: { kind: 'path', path: sandbox }, addresses, ...(nameserver ? { nameservers: [nameserver] } : {}) };
      } catch (err) {
        await this.unplugAll(record);
        throw err;
      }
    });
  }

  /** Allocates an address and plugs a veth for one network (under the manager lock). */
  private async plug(record: ContainerRecord, network: NetworkRecord, settings: EndpointSettings, ifname: string, gatewayOf?: NetworkRecord): Promise<EndpointRecord> {
    const config = network.ipam.Config[0];
    const taken = new Set(Object.values(network.endpoints).map((e) => e.address));
    const address = allocateAddress(
      { subnet: config.Subnet, ...(config.IPRange ? { ipRange: config.IPRange } : {}), gateway: config.Gateway },
      taken,
      settings.IPAMConfig?.IPv4Address || undefined,
    );
    const prefix = parseCidr(config.Subnet).prefix;
    const mac = settings.MacAddress || (ifname === 'eth0' ? record.config.MacAddress : '') || macFromIPv4(parseIPv4(address));
    const endpoint: EndpointRecord = {
      containerId: record.id,
      containerName: record.name,
      endpointId: randomBytes(32).toString('hex'),
      address,
      prefix,
      mac,
      hostVeth: `veth${randomBytes(4).toString('hex').slice(0, 7)}`,
      ifname,
      aliases: settings.Aliases ?? [],
      dnsNames: this.dnsNames(record, settings.Aliases ?? []),
    };
    await ip.plugEndpoint({
      netns: this.sandboxPath(record.id),
      bridge: network.bridge,
      hostVeth: endpoint.hostVeth,
      ifname,
      address,
      prefix,
      mac,
      ...(gatewayOf && !gatewayOf.internal ? { defaultGateway: config.Gateway } : {}),
    });
    network.endpoints[record.id] = endpoint;
    await this.manager.save(network);
    Object.assign(settings, {
      EndpointID: endpoint.endpointId,
      Gateway: config.Gateway,
      IPAddress: address,
      IPPrefixLen: prefix,
      MacAddress: mac,
      DNSNames: network.dns ? endpoint.dnsNames : null,
    });
    this.manager.options.events.emit('network', 'connect', network.id, { container: record.id, name: network.name, type: network.driver });
    this.manager.log.info({ containerId: record.id, network: network.name, address, hostVeth: endpoint.hostVeth }, 'endpoint plugged');
    return endpoint;
  }

  /** Removes every endpoint, port and the sandbox of a container (under the manager lock). */
  private async unplugAll(record: ContainerRecord): Promise<void> {
    const manager = this.manager;
    manager.ports.release(record.id);
    if (manager.published[record.id]) {
      delete manager.published[record.id];
      await manager.savePublished();
    }
    for (const network of manager.networks.values()) {
      const endpoint = network.endpoints[record.id];
      if (!endpoint) continue;
      await ip.unplugEndpoint(endpoint.hostVeth).catch((err: unknown) => manager.log.warn({ err, hostVeth: endpoint.hostVeth }, 'veth removal failed'));
      delete network.endpoints[record.id];
      await manager.save(network);
      manager.options.events.emit('network', 'disconnect', network.id, { container: record.id, name: network.name, type: network.driver });
    }
    const sandbox = this.sandboxPath(record.id);
    if (await ip.netnsExists(sandbox)) await ip.deleteNetns(sandbox);
    for (const settings of Object.values(record.networks)) {
      Object.assign(settings, { EndpointID: '', Gateway: '', IPAddress: '', IPPrefixLen: 0, MacAddress: settings.IPAMConfig ? settings.MacAddress : '', DNSNames: null });
    }
    record.extras.ports = {};
    record.extras.sandboxKey = '';
    await manager.applyRules();
  }

  async teardown(record: ContainerRecord): Promise<void> {
    const shared = this.sharedNetworkUsers.get(record.id);
    if (shared) {
      this.sharedNetworkUsers.delete(record.id);
      this.manager.options.events.emit('network', 'disconnect', shared.id, { container: record.id, name: shared.name, type: shared.driver });
    }
    await this.manager.locked(() => this.unplugAll(record));
  }

  async release(record: ContainerRecord): Promise<void> {
    await this.teardown(record);
  }

  /** After a daemon restart: the namespace and veths survived; hold the published ports again. */
  async restore(record: ContainerRecord): Promise<void> {
    const first = Object.values(record.networks)[0];
    const shared = first ? this.manager.networks.get(first.NetworkID) : undefined;
    if (shared && (shared.driver === 'host' || shared.driver === 'null')) this.sharedNetworkUsers.set(record.id, shared);
    const published = this.manager.published[record.id];
    if (!published) return;
    await this.manager.locked(async () => {
      const requests = published.bindings.map((b) => ({ containerPort: b.containerPort, protocol: b.protocol, hostIp: b.hostIp, hostPortStart: b.hostPort, hostPortEnd: b.hostPort }));
      await this.manager.ports.allocate(record.id, requests, () => published.containerIp);
    });
  }

  /** POST /networks/{id}/connect: plugs at once when the container runs, else at its next start. */
  async connect(networkRef: string, record: ContainerRecord, running: boolean, config: Partial<EndpointSettings> | undefined): Promise<void> {
    const network = this.manager.find(networkRef);
    if (network.driver !== 'bridge') throw new ForbiddenError(`container cannot be disconnected from or connected to ${network.driver} network`);
    const mode = record.hostConfig.NetworkMode;
    if (mode === 'host' || mode === 'none' || mode.startsWith('container:')) {
      throw new ForbiddenError(`container sharing network namespace with another container or host cannot be connected to any other network`);
    }
    if (record.networks[network.name]) throw new ForbiddenError(`endpoint with name ${record.name} already exists in network ${network.name}`);
    this.checkEndpointConfig(network, config);
    const settings = emptyEndpoint(network, config);
    if (running) {
      await this.manager.locked(async () => {
        const index = Object.keys(record.networks).length;
        await this.plug(record, network, settings, `eth${index}`);
      });
    }
    record.networks[network.name] = settings;
  }

  async disconnect(networkRef: string, record: ContainerRecord, running: boolean, force: boolean): Promise<void> {
    const network = this.manager.find(networkRef);
    const name = Object.keys(record.networks).find((n) => n === network.name);
    if (!name) {
      if (force) return;
      throw new NotFoundError(`container ${record.id.slice(0, 12)} is not connected to network ${network.name}`);
    }
    if (network.driver !== 'bridge') throw new ForbiddenError(`container cannot be disconnected from or connected to ${network.driver} network`);
    if (running) {
      await this.manager.locked(async () => {
        const endpoint = network.endpoints[record.id];
        if (endpoint) {
          await ip.unplugEndpoint(endpoint.hostVeth);
          delete network.endpoints[record.id];
          await this.manager.save(network);
        }
        const published = this.manager.published[record.id];
        if (published && endpoint && published.containerIp === endpoint.address) {
          this.manager.ports.release(record.id);
          delete this.manager.published[record.id];
          await this.manager.savePublished();
          record.extras.ports = portMap([], record.config.ExposedPorts);
          await this.manager.applyRules();
        }
      });
    }
    delete record.networks[name];
    this.manager.options.events.emit('network', 'disconnect', network.id, { container: record.id, name: network.name, type: network.driver });
  }

  /** Containers (running or not) configured on a network, for `network rm`. */
  static configuredOn(network: NetworkRecord, records: ContainerRecord[]): string[] {
    return records.filter((r) => Object.values(r.networks).some((s) => s.NetworkID === network.id)).map((r) => r.id);
  }
}

// Network modes that need no bridge: none (a private namespace with loopback only), host, and
// container:<id> (join another container's namespace). Bridge networks build on this.

import { ConflictError, InvalidArgumentError } from '../../errdefs/index.js';
import type { ContainerRecord, NetworkHooks, NetworkSetup } from '../container/index.js';

export class BasicNetworkHooks implements NetworkHooks {
  async validate(record: ContainerRecord, lookup: (ref: string) => ContainerRecord): Promise<void> {
    const mode = record.hostConfig.NetworkMode;
    if (mode.startsWith('container:')) {
      const other = lookup(mode.slice('container:'.length));
      if (other.id === record.id) throw new InvalidArgumentError('cannot join own network namespace');
      record.hostConfig.NetworkMode = `container:${other.id}`;
      return;
    }
    if (!['default', 'bridge', 'none', 'host'].includes(mode)) {
      throw new InvalidArgumentError(`network ${mode} not found`);
    }
  }

  async setup(record: ContainerRecord, lookup: (ref: string) => ContainerRecord): Promise<NetworkSetup> {
    const mode = record.hostConfig.NetworkMode;
    if (mode === 'host') return { namespace: { kind: 'host' }, addresses: [] };
    if (mode.startsWith('container:')) {
      const other = lookup(mode.slice('container:'.length));
      if (!other.state.Running) throw new ConflictError(`cannot join network of a non running container: ${other.id}`);
      return { namespace: { kind: 'path', path: `/proc/${other.state.Pid}/ns/net` }, addresses: [] };
    }
    return { namespace: { kind: 'private' }, addresses: [] };
  }

  async teardown(): Promise<void> {}
  async release(): Promise<void> {}
  async restore(): Promise<void> {}
}

// The network package: bridge networks (IPAM, veths, nftables NAT and published ports), the
// embedded DNS, and the container endpoint hooks.
export { NetworkManager, type CreateNetworkRequest, type NetworkManagerOptions } from './manager.js';
export { BridgeNetworkHooks, portMap } from './endpoints.js';
export type { NetworkRecord, EndpointRecord } from './model.js';
export { DEFAULT_ADDRESS_POOLS, type AddressPool } from './ipam.js';
export { deleteTable } from './nft.js';

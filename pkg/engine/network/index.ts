// The network package: container network namespaces, bridge networks, ports and DNS.
export { BasicNetworkHooks } from './basic.js';

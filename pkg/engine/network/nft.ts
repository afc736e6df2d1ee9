// nft.ts: Berth's one nftables table (`ip berth`), rendered from the network state by a pure
// function and replaced atomically in a single `nft -f` transaction. The only module running nft.

import { spawn } from 'node:child_process';
import { BerthError } from '../../errdefs/index.js';

export interface NftNetwork {
  bridge: string;
  subnet: string;
  internal: boolean;
}

export interface NftPortRule {
  protocol: 'tcp' | 'udp';
  /** "" for every local address. */
  hostIp: string;
  hostPort: number;
  containerIp: string;
  containerPort: number;
}

export interface NftState {
  networks: NftNetwork[];
  ports: NftPortRule[];
}

function quote(name: string): string {
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) throw new BerthError('invalid_argument', `invalid interface name for nftables: ${name}`);
  return `"${name}"`;
}

/** The whole table as nft script text (pure). Deleting and re-adding in one file is atomic. */
export function renderRuleset(table: string, state: NftState): string {
  const lines: string[] = [];
  const bridges = state.networks.map((n) => quote(n.bridge));
  lines.push(`table ip ${table}`, `delete table ip ${table}`, `table ip ${table} {`);

  lines.push('  chain published {');
  for (const rule of state.ports) {
    const daddr = rule.hostIp && rule.hostIp !== '0.0.0.0' ? `ip daddr ${rule.hostIp} ` : '';
    lines.push(`    ${daddr}${rule.protocol} dport ${rule.hostPort} dnat to ${rule.containerIp}:${rule.containerPort}`);
  }
  lines.push('  }');

  // Published ports answer on every local address, from outside (prerouting) and from the host
  // itself (output), 127.0.0.1 included.
  lines.push('  chain prerouting {', '    type nat hook prerouting priority dstnat; policy accept;', '    fib daddr type local jump published', '  }');
  lines.push('  chain output {', '    type nat hook output priority -100; policy accept;', '    fib daddr type local jump published', '  }');

  lines.push('  chain postrouting {', '    type nat hook postrouting priority srcnat; policy accept;');
  for (const network of state.networks) {
    const bridge = quote(network.bridge);
    // Connections from the host's loopback DNAT-ed into a container need a routable source.
    lines.push(`    oifname ${bridge} ip saddr 127.0.0.0/8 masquerade`);
    // Hairpin: a container reaching a published port of a container on its own bridge.
    lines.push(`    oifname ${bridge} ip saddr ${network.subnet} ct status dnat masquerade`);
    if (!network.internal) lines.push(`    ip saddr ${network.subnet} oifname != ${bridge} masquerade`);
  }
  lines.push('  }');

  lines.push('  chain forward {', '    type filter hook forward priority filter; policy accept;');
  // Published ports are reachable from other networks, as with Docker.
  lines.push('    ct status dnat accept');
  for (const network of state.networks) {
    const bridge = quote(network.bridge);
    if (network.internal) {
      lines.push(`    iifname ${bridge} oifname != ${bridge} drop`);
      lines.push(`    oifname ${bridge} iifname != ${bridge} drop`);
    }
    const others = bridges.filter((b) => b !== bridge);
    if (others.length > 0) lines.push(`    iifname ${bridge} oifname { ${others.join(', ')} } drop`);
  }
  lines.push('  }');

  lines.push('}');
  return `${lines.join('\n')}\n`;
}

export class NftError extends BerthError {
  constructor(message: string, options?: ErrorOptions) {
    super('internal', message, options);
  }
}

function nft(args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('nft', args, { env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' }, timeout: 15_000, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (err) => reject(new NftError(`nft: ${err.message}`, { cause: err })));
    child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new NftError(`nft ${args.join(' ')}: ${stderr.trim()}`))));
    child.stdin.on('error', () => undefined);
    child.stdin.end(input ?? '');
  });
}

/** Replaces the table with the rendered state in one transaction; returns the script applied. */
export async function applyRuleset(table: string, state: NftState): Promise<string> {
  const script = renderRuleset(table, state);
  await nft(['-f', '-'], script);
  return script;
}

export async function deleteTable(table: string): Promise<void> {
  await nft(['-f', '-'], `table ip ${table}\ndelete table ip ${table}\n`);
}

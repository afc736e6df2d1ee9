// Encodings the runner adds around application data (pure): snapshot data carries the member
// address book ahead of the state machine's bytes, so a member restored from a snapshot knows
// how to reach everyone in its configuration.
//
// Snapshot data: u32 length of members JSON | members JSON ({"id": "address"}) | app bytes.

import { RaftError } from './errors.js';
import type { NodeId } from './types.js';

export function encodeMembers(members: ReadonlyMap<NodeId, string>): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(Object.fromEntries([...members].map(([id, a]) => [String(id), a]))));
}

export function decodeMembers(data: Uint8Array): Map<NodeId, string> {
  const parsed = JSON.parse(new TextDecoder().decode(data)) as Record<string, string>;
  return new Map(Object.entries(parsed).map(([id, a]) => [Number(id), a]));
}

export function wrapSnapshot(members: ReadonlyMap<NodeId, string>, app: Uint8Array): Uint8Array {
  const m = encodeMembers(members);
  const out = new Uint8Array(4 + m.byteLength + app.byteLength);
  new DataView(out.buffer).setUint32(0, m.byteLength);
  out.set(m, 4);
  out.set(app, 4 + m.byteLength);
  return out;
}

export function unwrapSnapshot(data: Uint8Array): { members: Map<NodeId, string>; app: Uint8Array } {
  if (data.byteLength < 4) throw new RaftError('corrupt', 'snapshot data too short for its member list', { length: data.byteLength });
  const length = new DataView(data.buffer, data.byteOffset, data.byteLength).getUint32(0);
  if (4 + length > data.byteLength) throw new RaftError('corrupt', 'snapshot member list overruns the data', { length });
  return { members: decodeMembers(data.subarray(4, 4 + length)), app: data.subarray(4 + length) };
}

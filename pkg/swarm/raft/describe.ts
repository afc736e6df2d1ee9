// Human-readable renderings of raft values (pure), in the format of etcd/raft's describe.go: used
// by golden-output scenario tests, the simulator's traces and the runner's debug logs.

import { decodeConfChange } from './confchange.js';
import type { ConfChange, ConfState, Entry, HardState, Message, Ready, Snapshot, SoftState } from './types.js';

const CONF_CHANGE_PREFIX = { add_node: 'v', add_learner: 'l', remove_node: 'r' } as const;

export function describeData(data: Uint8Array): string {
  let printable = true;
  for (const b of data) if (b < 0x20 || b > 0x7e) printable = false;
  if (printable) return JSON.stringify(new TextDecoder().decode(data));
  let hex = '';
  for (const b of data) hex += b.toString(16).padStart(2, '0');
  return `0x${hex}`;
}

export function describeConfChange(cc: ConfChange): string {
  return `${CONF_CHANGE_PREFIX[cc.type]}${cc.nodeId}`;
}

export function describeEntry(e: Entry): string {
  if (e.type === 'conf_change') return `${e.term}/${e.index} EntryConfChange ${describeConfChange(decodeConfChange(e.data))}`;
  return `${e.term}/${e.index} EntryNormal${e.data.byteLength > 0 ? ' ' + describeData(e.data) : ''}`;
}

export function describeEntries(ents: readonly Entry[]): string {
  return ents.map(describeEntry).join('\n');
}

export function describeConfState(cs: ConfState): string {
  return `Voters:[${cs.voters.join(' ')}] Learners:[${cs.learners.join(' ')}]`;
}

export function describeSnapshot(s: Snapshot): string {
  return `Index:${s.metadata.index} Term:${s.metadata.term} ConfState:${describeConfState(s.metadata.confState)}`;
}

export function describeHardState(hs: HardState): string {
  return `HardState Term:${hs.term} Vote:${hs.vote} Commit:${hs.commit}`;
}

export function describeSoftState(ss: SoftState): string {
  return `Lead:${ss.lead} State:${ss.role}`;
}

export function describeMessage(m: Message): string {
  let s = `${m.from}->${m.to} ${m.type} Term:${m.term} Log:${m.logTerm}/${m.index}`;
  if (m.reject) s += ` Rejected (Hint: ${m.rejectHint})`;
  if (m.commit !== 0) s += ` Commit:${m.commit}`;
  if (m.entries.length > 0) s += ` Entries:[${m.entries.map(describeEntry).join(', ')}]`;
  if (m.snapshot !== undefined) s += ` Snapshot: ${describeSnapshot(m.snapshot)}`;
  if (m.context !== undefined && m.context.byteLength > 0) s += ` Context:${describeData(m.context)}`;
  return s;
}

/** A Ready as indented text, listing only its non-empty parts. */
export function describeReady(rd: Ready): string {
  const lines: string[] = [];
  if (rd.softState !== undefined) lines.push(describeSoftState(rd.softState));
  if (rd.hardState !== undefined) lines.push(describeHardState(rd.hardState));
  if (rd.readStates.length > 0) {
    lines.push('ReadStates:');
    for (const rs of rd.readStates) lines.push(`  Index:${rs.index} Context:${describeData(rs.context)}`);
  }
  if (rd.entries.length > 0) {
    lines.push('Entries:');
    for (const e of rd.entries) lines.push(`  ${describeEntry(e)}`);
  }
  if (rd.snapshot !== undefined) lines.push(`Snapshot ${describeSnapshot(rd.snapshot)}`);
  if (rd.committedEntries.length > 0) {
    lines.push('CommittedEntries:');
    for (const e of rd.committedEntries) lines.push(`  ${describeEntry(e)}`);
  }
  if (rd.messages.length > 0) {
    lines.push('Messages:');
    for (const m of rd.messages) lines.push(`  ${describeMessage(m)}`);
  }
  return lines.join('\n');
}

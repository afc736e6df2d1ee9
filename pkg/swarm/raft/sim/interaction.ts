// An interaction environment for golden-output raft scenarios (pure), after etcd's rafttest: a
// testdata file is a list of commands, each followed by `----` and the output it must produce.
// Timeouts are pinned (no randomization) and delivery is explicit, so every step is visible.

import { decodeConfChange } from '../confchange.js';
import { describeEntry, describeMessage, describeReady, describeConfState } from '../describe.js';
import { isRaftError } from '../errors.js';
import type { RandomSource } from '../rand.js';
import { RawNode } from '../rawnode.js';
import { MemoryStorage } from '../storage.js';
import type { ConfChangeType, Message, NodeId } from '../types.js';

export interface Directive {
  readonly command: string;
  readonly args: readonly string[];
  /** key=value arguments */
  readonly options: ReadonlyMap<string, string>;
  /** The line as written, for rewriting the file. */
  readonly line: string;
  readonly expected: string;
  readonly lineNumber: number;
}

/** Parses the datadriven format: `command args...`, `----`, output up to a blank line. */
export function parseScenario(text: string): Directive[] {
  const lines = text.split('\n');
  const out: Directive[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (line.trim() === '' || line.startsWith('#')) {
      i++;
      continue;
    }
    const lineNumber = i + 1;
    const parts = line.trim().split(/\s+/);
    const options = new Map<string, string>();
    const args: string[] = [];
    for (const p of parts.slice(1)) {
      const eq = p.indexOf('=');
      if (eq > 0) options.set(p.slice(0, eq), p.slice(eq + 1));
      else args.push(p);
    }
    i++;
    if (lines[i] !== '----') throw new Error(`line ${i + 1}: expected ---- after command`);
    i++;
    const expected: string[] = [];
    while (i < lines.length && lines[i] !== '') {
      expected.push(lines[i]);
      i++;
    }
    out.push({ command: parts[0], args, options, line, expected: expected.join('\n'), lineNumber });
  }
  return out;
}

/** Renders directives with actual outputs back into the file format. */
export function renderScenario(original: string, outputs: ReadonlyMap<number, string>): string {
  const lines = original.split('\n');
  const result: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (line.trim() === '' || line.startsWith('#')) {
      result.push(line);
      i++;
      continue;
    }
    const lineNumber = i + 1;
    result.push(line, '----');
    i += 2;
    while (i < lines.length && lines[i] !== '') i++;
    const output = outputs.get(lineNumber) ?? '';
    if (output !== '') result.push(...output.split('\n'));
  }
  return result.join('\n');
}

const ZERO_RANDOM: RandomSource = { int: () => 0 };

const CONF_CHANGE_TYPES: Record<string, ConfChangeType> = { v: 'add_node', l: 'add_learner', r: 'remove_node' };

export class InteractionEnv {
  readonly nodes = new Map<NodeId, { raw: RawNode; storage: MemoryStorage }>();
  /** Messages sent and not yet delivered, in send order. */
  messages: Message[] = [];

  handle(d: Directive): string {
    try {
      return this.dispatch(d);
    } catch (err) {
      if (isRaftError(err)) return `error: ${err.code}: ${err.message}`;
      throw err;
    }
  }

  private dispatch(d: Directive): string {
    switch (d.command) {
      case 'add-nodes':
        return this.addNodes(d);
      case 'restart': {
        // A crash and restart: volatile state is lost, the node comes back from its storage.
        const id = Number(d.args[0]);
        const { raw, storage } = this.node(id);
        const r = raw.raft;
        const fresh = new RawNode({
          id,
          storage,
          electionTick: r.electionTimeout,
          heartbeatTick: r.heartbeatTimeout,
          random: ZERO_RANDOM,
          applied: storage.hardState().commit,
          preVote: r.preVote,
          checkQuorum: r.checkQuorum,
          maxSizePerMsg: r.maxMsgSize,
        });
        this.nodes.set(id, { raw: fresh, storage });
        this.messages = this.messages.filter((m) => m.to !== id);
        const f = fresh.raft;
        return `INFO ${id} restarted: term=${f.term} vote=${f.vote} commit=${f.raftLog.committed} last=${f.raftLog.lastIndex()}`;
      }
      case 'campaign':
        this.raw(d, 0).campaign();
        return '';
      case 'propose': {
        const at = this.raw(d, 0).propose(new TextEncoder().encode(d.args[1]));
        return at === undefined ? '' : `index ${at.index} term ${at.term}`;
      }
      case 'propose-conf-change': {
        const spec = d.args[1];
        const type = CONF_CHANGE_TYPES[spec[0]];
        if (type === undefined) throw new Error(`line ${d.lineNumber}: conf change must be v<id>, l<id> or r<id>`);
        this.raw(d, 0).proposeConfChange({ type, nodeId: Number(spec.slice(1)), context: new Uint8Array(0) });
        return '';
      }
      case 'tick-heartbeat':
      case 'tick-election': {
        const raw = this.raw(d, 0);
        const n = d.command === 'tick-heartbeat' ? raw.raft.heartbeatTimeout : raw.raft.electionTimeout;
        for (let i = 0; i < n; i++) raw.tick();
        return '';
      }
      case 'transfer-leadership':
        this.node(Number(d.options.get('from'))).raw.transferLeadership(Number(d.options.get('to')));
        return '';
      case 'read-index':
        this.raw(d, 0).readIndex(new TextEncoder().encode(d.args[1]));
        return '';
      case 'process-ready':
        return this.ids(d)
          .map((id) => this.processReady(id))
          .join('\n');
      case 'deliver-msgs':
        return this.ids(d)
          .map((id) => this.deliver(id, d.options.get('drop') === 'true'))
          .filter((s) => s !== '')
          .join('\n');
      case 'stabilize':
        return this.stabilize(d.args.length > 0 ? this.ids(d) : [...this.nodes.keys()]);
      case 'compact': {
        const { storage, raw } = this.node(Number(d.args[0]));
        const index = Number(d.args[1]);
        storage.createSnapshot(index, raw.raft.confState(), new Uint8Array(0));
        storage.compact(index);
        return this.raftLog(Number(d.args[0]));
      }
      case 'raft-log':
        return this.raftLog(Number(d.args[0]));
      case 'raft-state':
        return [...this.nodes]
          .map(([id, { raw }]) => {
            const r = raw.raft;
            return `${id}: ${r.role} term=${r.term} lead=${r.lead} commit=${r.raftLog.committed} ${describeConfState(r.confState())}`;
          })
          .join('\n');
      case 'status': {
        const r = this.node(Number(d.args[0])).raw.raft;
        if (r.role !== 'leader') return `${r.id}: not leader`;
        return [...r.tracker.progress]
          .sort(([a], [b]) => a - b)
          .map(([id, pr]) => `${id}: ${pr.describe()}`)
          .join('\n');
      }
      default:
        throw new Error(`line ${d.lineNumber}: unknown command ${d.command}`);
    }
  }

  private addNodes(d: Directive): string {
    const count = Number(d.args[0]);
    const voters = parseList(d.options.get('voters'));
    const learners = parseList(d.options.get('learners'));
    const index = Number(d.options.get('index') ?? '0');
    const lines: string[] = [];
    const first = this.nodes.size + 1;
    for (let id = first; id < first + count; id++) {
      const storage = new MemoryStorage();
      if (index > 0) {
        storage.applySnapshot({ metadata: { index, term: 1, confState: { voters, learners } }, data: new Uint8Array(0) });
      }
      const raw = new RawNode({
        id,
        storage,
        electionTick: Number(d.options.get('election') ?? '10'),
        heartbeatTick: Number(d.options.get('heartbeat') ?? '1'),
        random: ZERO_RANDOM,
        applied: index,
        preVote: d.options.get('prevote') !== 'false',
        checkQuorum: d.options.get('checkquorum') !== 'false',
        maxInflightMsgs: Number(d.options.get('inflight') ?? '256'),
        maxSizePerMsg: Number(d.options.get('maxsize') ?? String(1024 * 1024)),
      });
      this.nodes.set(id, { raw, storage });
      const r = raw.raft;
      lines.push(`INFO ${id} started: term=${r.term} commit=${r.raftLog.committed} applied=${r.raftLog.applied} ${describeConfState(r.confState())}`);
    }
    return lines.join('\n');
  }

  private processReady(id: NodeId): string {
    const { raw, storage } = this.node(id);
    const lines = [`> ${id} handling Ready`];
    if (!raw.hasReady()) return `${lines[0]}\n  <empty Ready>`;
    const rd = raw.ready();
    lines.push(...describeReady(rd).split('\n').map((l) => `  ${l}`));
    if (rd.snapshot !== undefined) storage.applySnapshot(rd.snapshot);
    storage.append(rd.entries);
    if (rd.hardState !== undefined) storage.setHardState(rd.hardState);
    for (const e of rd.committedEntries) {
      if (e.type !== 'conf_change') continue;
      const cs = raw.applyConfChange(decodeConfChange(e.data));
      lines.push(`  INFO ${id} applied ${describeEntry(e)}: ${describeConfState(cs)}`);
    }
    this.messages.push(...rd.messages);
    raw.advance();
    return lines.join('\n');
  }

  private deliver(id: NodeId, drop: boolean): string {
    const mine = this.messages.filter((m) => m.to === id);
    if (mine.length === 0) return '';
    this.messages = this.messages.filter((m) => m.to !== id);
    const lines = [`> ${id} ${drop ? 'dropping' : 'receiving'} messages`];
    for (const m of mine) {
      lines.push(`  ${describeMessage(m)}`);
      if (drop) continue;
      try {
        this.node(id).raw.step(m);
      } catch (err) {
        if (!isRaftError(err)) throw err;
        lines.push(`  error: ${err.code}`);
      }
    }
    return lines.join('\n');
  }

  private stabilize(ids: NodeId[]): string {
    const out: string[] = [];
    for (;;) {
      let done = true;
      for (const id of ids) {
        if (this.node(id).raw.hasReady()) {
          done = false;
          out.push(this.processReady(id));
        }
      }
      for (const id of ids) {
        const s = this.deliver(id, false);
        if (s !== '') {
          done = false;
          out.push(s);
        }
      }
      if (done) return out.join('\n');
    }
  }

  private raftLog(id: NodeId): string {
    const log = this.node(id).raw.raft.raftLog;
    const ents = log.allEntries();
    if (ents.length === 0) return `log is empty: first index=${log.firstIndex()}, last index=${log.lastIndex()}`;
    return ents.map(describeEntry).join('\n');
  }

  private node(id: NodeId): { raw: RawNode; storage: MemoryStorage } {
    const n = this.nodes.get(id);
    if (n === undefined) throw new Error(`no node ${id}`);
    return n;
  }

  private raw(d: Directive, argIndex: number): RawNode {
    return this.node(Number(d.args[argIndex])).raw;
  }

  private ids(d: Directive): NodeId[] {
    return d.args.map(Number);
  }
}

function parseList(value: string | undefined): NodeId[] {
  if (value === undefined || value === '()') return [];
  return value
    .replace(/[()]/g, '')
    .split(',')
    .filter((s) => s !== '')
    .map(Number);
}

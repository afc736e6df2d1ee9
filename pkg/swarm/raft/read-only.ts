// Pending linearizable reads on the leader (pure): each read index request waits for a quorum of
// heartbeat acks carrying its context, proving the leader was still leader when it recorded the
// commit index (Raft thesis §6.4). Acks for a later request also confirm every earlier one.

import type { Message, NodeId } from './types.js';

interface ReadIndexStatus {
  readonly request: Message;
  readonly index: number;
  readonly acks: Set<NodeId>;
}

export class ReadOnly {
  private readonly pending = new Map<string, ReadIndexStatus>();
  private readonly queue: string[] = [];

  addRequest(index: number, request: Message): void {
    const key = contextKey(request.entries[0].data);
    if (this.pending.has(key)) return;
    this.pending.set(key, { request, index, acks: new Set() });
    this.queue.push(key);
  }

  /** Records an ack; returns the acks so far for that context, or undefined if unknown. */
  recvAck(id: NodeId, context: Uint8Array): ReadonlySet<NodeId> | undefined {
    const status = this.pending.get(contextKey(context));
    if (status === undefined) return undefined;
    status.acks.add(id);
    return status.acks;
  }

  /** Removes and returns every request up to and including the one with this context. */
  advance(context: Uint8Array): Array<{ request: Message; index: number }> {
    const key = contextKey(context);
    const at = this.queue.indexOf(key);
    if (at < 0) return [];
    const done = this.queue.splice(0, at + 1);
    const result: Array<{ request: Message; index: number }> = [];
    for (const k of done) {
      const status = this.pending.get(k);
      this.pending.delete(k);
      if (status !== undefined) result.push({ request: status.request, index: status.index });
    }
    return result;
  }

  lastPendingRequestContext(): Uint8Array | undefined {
    if (this.queue.length === 0) return undefined;
    return this.pending.get(this.queue[this.queue.length - 1])?.request.entries[0].data;
  }

  get size(): number {
    return this.queue.length;
  }
}

function contextKey(context: Uint8Array): string {
  let s = '';
  for (const b of context) s += String.fromCharCode(b);
  return s;
}

// The runner's transport contract, and an in-process implementation for tests (I/O-free but
// asynchronous: deliveries are queued to later turns of the event loop, as sockets would).

import type { Message, NodeId, SnapshotStatus } from './types.js';

export interface TransportHandler {
  /** A message from a peer; called on a later turn than the send. */
  onMessage(m: Message): void;
  /** The transport could not deliver to this peer (the raft core stops pipelining to it). */
  onUnreachable(id: NodeId): void;
  /** A MsgSnap this node sent has been delivered whole, or has failed. */
  onSnapshotStatus(id: NodeId, status: SnapshotStatus): void;
}

export interface Transport {
  start(handler: TransportHandler): Promise<void>;
  /** Adds or updates the address of a peer. */
  setPeer(id: NodeId, address: string): void;
  removePeer(id: NodeId): void;
  /** Queues messages; never blocks. Messages to an unknown or backed-up peer are dropped. */
  send(messages: readonly Message[]): void;
  /** Stops accepting and sending; idempotent. */
  close(): Promise<void>;
}

/** An in-process network of MemoryTransports with switchable links, for runner tests. */
export class MemoryNetwork {
  private readonly handlers = new Map<NodeId, TransportHandler>();
  private readonly blocked = new Set<NodeId>();
  /** Messages delivered, for assertions. */
  delivered = 0;

  transport(id: NodeId): Transport {
    let closed = false;
    return {
      start: (handler) => {
        this.handlers.set(id, handler);
        return Promise.resolve();
      },
      setPeer: () => {},
      removePeer: () => {},
      send: (messages) => {
        if (closed) return;
        for (const m of messages) this.deliver(m);
      },
      close: () => {
        closed = true;
        this.handlers.delete(id);
        return Promise.resolve();
      },
    };
  }

  /** Cuts a member off (both directions) until unblock. */
  block(id: NodeId): void {
    this.blocked.add(id);
  }

  unblock(id: NodeId): void {
    this.blocked.delete(id);
  }

  private deliver(m: Message): void {
    setImmediate(() => {
      const sender = this.handlers.get(m.from);
      const target = this.handlers.get(m.to);
      const cut = this.blocked.has(m.from) || this.blocked.has(m.to);
      if (target === undefined || cut) {
        if (m.type === 'MsgSnap') sender?.onSnapshotStatus(m.to, 'failure');
        if (!cut) sender?.onUnreachable(m.to);
        return;
      }
      this.delivered++;
      target.onMessage(m);
      if (m.type === 'MsgSnap') sender?.onSnapshotStatus(m.to, 'finish');
    });
  }
}

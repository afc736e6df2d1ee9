// A tiny deterministic state machine for the simulator (pure): it folds every applied entry into
// a running FNV-1a hash and counts entries, so two members that applied the same log prefix have
// the same (count, hash), and a snapshot carries exactly that pair.

import type { StateMachine } from '../state-machine.js';
import type { Entry } from '../types.js';

export class HashChainMachine implements StateMachine<number> {
  count = 0;
  hash = 0x811c9dc5;
  lastIndex = 0;

  apply(entry: Entry): number {
    let h = this.hash;
    for (const b of entry.data) h = Math.imul(h ^ b, 0x01000193) >>> 0;
    h = Math.imul(h ^ (entry.index & 0xff), 0x01000193) >>> 0;
    this.hash = h;
    this.count++;
    this.lastIndex = entry.index;
    return this.count;
  }

  snapshot(): Uint8Array {
    const out = new Uint8Array(20);
    const view = new DataView(out.buffer);
    view.setFloat64(0, this.count);
    view.setUint32(8, this.hash);
    view.setFloat64(12, this.lastIndex);
    return out;
  }

  restore(data: Uint8Array): void {
    if (data.byteLength === 0) {
      this.count = 0;
      this.hash = 0x811c9dc5;
      this.lastIndex = 0;
      return;
    }
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    this.count = view.getFloat64(0);
    this.hash = view.getUint32(8);
    this.lastIndex = view.getFloat64(12);
  }

  /** A digest comparable across members at the same applied index. */
  digest(): string {
    return `${this.count}:${this.hash.toString(16)}`;
  }
}

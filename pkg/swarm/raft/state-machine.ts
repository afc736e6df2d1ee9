// The interface between the raft runner and the replicated application (pure). The runner calls
// apply() for each committed normal entry in log order, snapshot() to compact the log, and
// restore() when it installs a snapshot (from disk at start, or from the leader).

import type { Entry } from './types.js';

export interface StateMachine<Result = unknown> {
  /** Applies one committed entry (never an empty or conf-change entry); must be deterministic. */
  apply(entry: Entry): Result;
  /** The full state as bytes, as of the last applied entry. */
  snapshot(): Uint8Array;
  /** Replaces the state with a snapshot's. */
  restore(data: Uint8Array): void;
}

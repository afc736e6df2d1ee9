// Raft's closed set of error codes (pure). The package depends on nothing else of Berth's, so it
// carries its own small hierarchy; callers map `code` to their own classes at the edge. Every code
// is documented in README.md ("Errors"), which errors.test.ts keeps in step with this table.

export type RaftErrorCode =
  /** A proposal could not be appended: no leader known, a transfer in progress, or this node removed. */
  | 'proposal_dropped'
  /** A conf change was refused: another is pending, or it would change more than one voter. */
  | 'conf_change_refused'
  /** A message arrived that raft only generates locally (MsgHup, MsgBeat, ...). */
  | 'local_message'
  /** A response came from a node that is not in the configuration. */
  | 'peer_not_found'
  /** Storage no longer holds the requested entries (they were compacted into a snapshot). */
  | 'compacted'
  /** A snapshot older than the one storage already holds. */
  | 'snapshot_out_of_date'
  /** The caller broke the API contract (e.g. `ready()` twice without `advance()`), or bad config. */
  | 'invalid_argument'
  /** An internal invariant broke; the node must stop. */
  | 'invariant'
  /** The write-ahead log or a snapshot file failed its checksum or structure. */
  | 'corrupt'
  /** A disk or network operation failed. */
  | 'io'
  /** The node is closed or was removed from the cluster. */
  | 'closed'
  /** The operation was not acknowledged in time; it may still take effect later. */
  | 'timeout'
  /** The operation was aborted by its AbortSignal; it may still take effect later. */
  | 'aborted'
  /** No leader is known right now; retry after an election. */
  | 'no_leader';

export const RAFT_ERROR_CODES: readonly RaftErrorCode[] = [
  'proposal_dropped',
  'conf_change_refused',
  'local_message',
  'peer_not_found',
  'compacted',
  'snapshot_out_of_date',
  'invalid_argument',
  'invariant',
  'corrupt',
  'io',
  'closed',
  'timeout',
  'aborted',
  'no_leader',
];

/** Codes after which the same request may simply be retried (possibly on another member). */
const RETRYABLE: ReadonlySet<RaftErrorCode> = new Set(['proposal_dropped', 'timeout', 'no_leader', 'aborted']);

export class RaftError extends Error {
  readonly code: RaftErrorCode;
  readonly context: Readonly<Record<string, unknown>>;
  constructor(code: RaftErrorCode, message: string, context: Record<string, unknown> = {}, options?: ErrorOptions) {
    super(message, options);
    this.name = 'RaftError';
    this.code = code;
    this.context = context;
  }
  get retryable(): boolean {
    return RETRYABLE.has(this.code);
  }
}

export function isRaftError(err: unknown, code?: RaftErrorCode): err is RaftError {
  return err instanceof RaftError && (code === undefined || err.code === code);
}

/** Throws an `invariant` error: the raft equivalent of etcd's panics. */
export function invariant(condition: boolean, message: string, context: Record<string, unknown> = {}): asserts condition {
  if (!condition) throw new RaftError('invariant', message, context);
}

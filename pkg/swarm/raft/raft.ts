// The raft state machine (pure), after etcd/raft: roles, terms, elections (pre-vote, check-quorum,
// randomized timeouts) and follower-side log handling. The leader's side lives in raft-leader.ts.
// Each role is a step function plus a tick function that become*() swaps in; illegal transitions
// throw. Nothing here does I/O or reads a clock: time is tick(), randomness is config.random.

import { applyConfChange, decodeConfChange } from './confchange.js';
import { RaftError, invariant } from './errors.js';
import { RaftLog } from './log.js';
import type { RandomSource } from './rand.js';
import { ReadOnly } from './read-only.js';
import type { Storage } from './storage.js';
import { ProgressTracker } from './tracker.js';
import type {
  ConfChange,
  ConfState,
  Entry,
  HardState,
  Message,
  MessageType,
  NodeId,
  ReadState,
  Role,
  SoftState,
} from './types.js';
import { EMPTY_DATA, NONE, isEmptyHardState, message } from './types.js';
import * as follower from './raft-follower.js';
import * as leader from './raft-leader.js';

export interface RaftConfig {
  /** This member's id; never 0. */
  readonly id: NodeId;
  readonly storage: Storage;
  /** Ticks without hearing from a leader before campaigning; the timeout is randomized in [e, 2e). */
  readonly electionTick: number;
  /** Ticks between leader heartbeats; must be less than electionTick. */
  readonly heartbeatTick: number;
  readonly random: RandomSource;
  /** The last index the application has applied (its state machine is restored up to here). */
  readonly applied?: number;
  /** Max bytes of entries in one MsgApp (always at least one entry). Default 1 MiB. */
  readonly maxSizePerMsg?: number;
  /** Max MsgApps in flight to one follower while replicating (pipelining window). Default 256. */
  readonly maxInflightMsgs?: number;
  /** Max bytes of committed entries in one Ready. Default 16 MiB. */
  readonly maxCommittedSizePerReady?: number;
  /** A leader that has not heard from a quorum within an election timeout steps down. Default true. */
  readonly checkQuorum?: boolean;
  /** Campaign only after a pre-vote round shows the election could be won. Default true. */
  readonly preVote?: boolean;
  /** Followers drop proposals instead of forwarding them to the leader. Default false. */
  readonly disableProposalForwarding?: boolean;
}

type CampaignType = 'pre_election' | 'election' | 'transfer';

/** Marks a vote request sent on a leadership transfer: it overrides leases. */
export const CAMPAIGN_TRANSFER_CONTEXT = new TextEncoder().encode('CampaignTransfer');

export class Raft {
  readonly id: NodeId;
  term = 0;
  vote: NodeId = NONE;
  role: Role = 'follower';
  lead: NodeId = NONE;
  isLearner = false;
  readonly raftLog: RaftLog;
  readonly tracker: ProgressTracker;
  /** Messages to send, drained by RawNode.ready(). */
  msgs: Message[] = [];
  readStates: ReadState[] = [];
  readOnly = new ReadOnly();
  /** Read index requests received before this leader committed an entry of its term. */
  pendingReadIndexMessages: Message[] = [];
  /** The leader refuses a new conf change until this index is applied. */
  pendingConfIndex = 0;
  leadTransferee: NodeId = NONE;
  electionElapsed = 0;
  heartbeatElapsed = 0;
  randomizedElectionTimeout = 0;
  readonly electionTimeout: number;
  readonly heartbeatTimeout: number;
  readonly checkQuorum: boolean;
  readonly preVote: boolean;
  readonly maxMsgSize: number;
  readonly disableProposalForwarding: boolean;
  private readonly random: RandomSource;
  private stepRole: (m: Message) => void = (m) => this.stepFollower(m);
  private tickRole: () => void = () => this.tickElection();

  constructor(config: RaftConfig) {
    validateConfig(config);
    this.id = config.id;
    this.random = config.random;
    this.electionTimeout = config.electionTick;
    this.heartbeatTimeout = config.heartbeatTick;
    this.checkQuorum = config.checkQuorum ?? true;
    this.preVote = config.preVote ?? true;
    this.maxMsgSize = config.maxSizePerMsg ?? 1024 * 1024;
    this.disableProposalForwarding = config.disableProposalForwarding ?? false;
    this.raftLog = new RaftLog(config.storage, config.maxCommittedSizePerReady ?? 16 * 1024 * 1024);
    this.tracker = new ProgressTracker(config.maxInflightMsgs ?? 256);
    const { hardState, confState } = config.storage.initialState();
    this.tracker.restore(confState, this.raftLog.lastIndex() + 1);
    this.isLearner = this.tracker.learners.has(this.id);
    if (!isEmptyHardState(hardState)) this.loadState(hardState);
    if (config.applied !== undefined && config.applied > 0) this.raftLog.appliedTo(config.applied);
    this.becomeFollower(this.term, NONE);
  }

  hardState(): HardState {
    return { term: this.term, vote: this.vote, commit: this.raftLog.committed };
  }

  softState(): SoftState {
    return { lead: this.lead, role: this.role };
  }

  confState(): ConfState {
    return this.tracker.confState();
  }

  private loadState(hs: HardState): void {
    invariant(
      hs.commit >= this.raftLog.committed && hs.commit <= this.raftLog.lastIndex(),
      'persisted commit index out of range',
      { commit: hs.commit, committed: this.raftLog.committed, lastIndex: this.raftLog.lastIndex() },
    );
    this.raftLog.committed = hs.commit;
    this.term = hs.term;
    this.vote = hs.vote;
  }

  /** Queues a message; fills in `from` and, except for votes and proposals, our term. */
  send(fields: Partial<Message> & Pick<Message, 'type' | 'to'>): void {
    const type = fields.type;
    let term = fields.term ?? 0;
    if (type === 'MsgVote' || type === 'MsgVoteResp' || type === 'MsgPreVote' || type === 'MsgPreVoteResp') {
      invariant(term !== 0, 'term must be set when sending a vote message', { type });
    } else {
      invariant(term === 0, 'term must not be set when sending', { type, term });
      // Proposals and read requests are forwarded as local messages, which carry no term.
      if (type !== 'MsgProp' && type !== 'MsgReadIndex') term = this.term;
    }
    this.msgs.push(message({ ...fields, from: fields.from ?? this.id, term }));
  }

  // ---- role transitions ----

  private reset(term: number): void {
    if (this.term !== term) {
      this.term = term;
      this.vote = NONE;
    }
    this.lead = NONE;
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    this.resetRandomizedElectionTimeout();
    this.abortLeaderTransfer();
    this.tracker.resetVotes();
    const lastIndex = this.raftLog.lastIndex();
    for (const [id, pr] of this.tracker.progress) {
      const fresh = this.tracker.newProgress(lastIndex + 1, pr.isLearner);
      fresh.recentActive = false;
      // Our own match is what we have persisted; the rest counts once persisted (onLeaderPersisted).
      if (id === this.id) fresh.match = this.raftLog.stableLastIndex();
      this.tracker.progress.set(id, fresh);
    }
    this.pendingConfIndex = 0;
    this.readOnly = new ReadOnly();
    this.pendingReadIndexMessages = [];
  }

  becomeFollower(term: number, lead: NodeId): void {
    this.stepRole = (m) => this.stepFollower(m);
    this.reset(term);
    this.tickRole = () => this.tickElection();
    this.lead = lead;
    this.role = 'follower';
  }

  becomeCandidate(): void {
    invariant(this.role !== 'leader', 'invalid transition leader -> candidate', { id: this.id });
    this.stepRole = (m) => this.stepCandidate(m);
    this.reset(this.term + 1);
    this.tickRole = () => this.tickElection();
    this.vote = this.id;
    this.role = 'candidate';
  }

  becomePreCandidate(): void {
    invariant(this.role !== 'leader', 'invalid transition leader -> pre_candidate', { id: this.id });
    // Pre-vote changes neither term nor vote: a partitioned node that keeps campaigning never
    // inflates its term and so cannot disrupt the cluster when it returns.
    this.stepRole = (m) => this.stepCandidate(m);
    this.tracker.resetVotes();
    this.tickRole = () => this.tickElection();
    this.lead = NONE;
    this.role = 'pre_candidate';
  }

  becomeLeader(): void {
    invariant(this.role !== 'follower', 'invalid transition follower -> leader', { id: this.id });
    this.stepRole = (m) => leader.stepLeader(this, m);
    this.reset(this.term);
    this.tickRole = () => this.tickHeartbeat();
    this.lead = this.id;
    this.role = 'leader';
    const self = this.tracker.progress.get(this.id);
    if (self !== undefined) {
      self.becomeReplicate();
      self.recentActive = true;
    }
    // Conf changes already in the log may be uncommitted; refuse new ones until they apply.
    this.pendingConfIndex = this.raftLog.lastIndex();
    // An empty entry of our term: committing it commits everything before it (figure 8) and
    // lets read-index requests proceed.
    const appended = leader.appendEntries(this, [{ term: 0, index: 0, type: 'normal', data: EMPTY_DATA }]);
    invariant(appended, 'leader could not append its empty entry', { id: this.id });
  }

  private resetRandomizedElectionTimeout(): void {
    this.randomizedElectionTimeout = this.electionTimeout + this.random.int(this.electionTimeout);
  }

  pastElectionTimeout(): boolean {
    return this.electionElapsed >= this.randomizedElectionTimeout;
  }

  abortLeaderTransfer(): void {
    this.leadTransferee = NONE;
  }

  /** Can this node campaign? Only voters, and not while a snapshot is unapplied. */
  promotable(): boolean {
    const pr = this.tracker.progress.get(this.id);
    return pr !== undefined && !pr.isLearner && !this.raftLog.hasPendingSnapshot();
  }

  // ---- time ----

  tick(): void {
    this.tickRole();
  }

  private tickElection(): void {
    this.electionElapsed++;
    if (this.promotable() && this.pastElectionTimeout()) {
      this.electionElapsed = 0;
      this.step(message({ type: 'MsgHup', from: this.id }));
    }
  }

  private tickHeartbeat(): void {
    this.heartbeatElapsed++;
    this.electionElapsed++;
    if (this.electionElapsed >= this.electionTimeout) {
      this.electionElapsed = 0;
      if (this.checkQuorum) this.step(message({ type: 'MsgCheckQuorum', from: this.id }));
      // A transfer that did not finish within an election timeout is abandoned.
      if (this.role === 'leader' && this.leadTransferee !== NONE) this.abortLeaderTransfer();
    }
    if (this.role !== 'leader') return;
    if (this.heartbeatElapsed >= this.heartbeatTimeout) {
      this.heartbeatElapsed = 0;
      this.step(message({ type: 'MsgBeat', from: this.id }));
    }
  }

  // ---- elections ----

  hup(kind: CampaignType): void {
    if (this.role === 'leader') return;
    if (!this.promotable()) return;
    // A committed but unapplied conf change may remove us or change the quorum: wait for it.
    if (this.raftLog.committed > this.raftLog.applied) {
      const pending = this.raftLog.slice(this.raftLog.applied + 1, this.raftLog.committed + 1, Number.MAX_SAFE_INTEGER);
      if (pending !== undefined && pending.some((e) => e.type === 'conf_change')) return;
    }
    this.campaign(kind);
  }

  campaign(kind: CampaignType): void {
    if (!this.promotable()) return;
    let voteType: MessageType;
    let term: number;
    if (kind === 'pre_election') {
      this.becomePreCandidate();
      voteType = 'MsgPreVote';
      // Pre-vote asks about the term we would campaign in, without moving to it.
      term = this.term + 1;
    } else {
      this.becomeCandidate();
      voteType = 'MsgVote';
      term = this.term;
    }
    const respType: MessageType = voteType === 'MsgPreVote' ? 'MsgPreVoteResp' : 'MsgVoteResp';
    if (this.poll(this.id, respType, true) === 'won') {
      // Single-voter cluster: we won on our own vote.
      if (kind === 'pre_election') this.campaign('election');
      else this.becomeLeader();
      return;
    }
    const lastIndex = this.raftLog.lastIndex();
    const lastTerm = this.raftLog.lastTerm();
    for (const id of this.tracker.voterIds()) {
      if (id === this.id) continue;
      this.send({
        type: voteType,
        to: id,
        term,
        index: lastIndex,
        logTerm: lastTerm,
        context: kind === 'transfer' ? CAMPAIGN_TRANSFER_CONTEXT : undefined,
      });
    }
  }

  poll(id: NodeId, _type: MessageType, granted: boolean): 'pending' | 'won' | 'lost' {
    this.tracker.recordVote(id, granted);
    return this.tracker.tallyVotes().result;
  }

  // ---- the step function ----

  step(m: Message): void {
    // Term bookkeeping first (Raft §5.1): newer terms demote us, older ones are mostly ignored.
    if (m.term === 0) {
      // local message
    } else if (m.term > this.term) {
      if (m.type === 'MsgVote' || m.type === 'MsgPreVote') {
        const force = m.context !== undefined && bytesEqual(m.context, CAMPAIGN_TRANSFER_CONTEXT);
        const inLease = this.checkQuorum && this.lead !== NONE && this.electionElapsed < this.electionTimeout;
        // Within the lease of a live leader we ignore votes: a removed or partitioned node with a
        // higher term must not depose a healthy leader (thesis §4.2.3).
        if (!force && inLease) return;
      }
      if (m.type === 'MsgPreVote') {
        // Never change term in response to a pre-vote.
      } else if (m.type === 'MsgPreVoteResp' && !m.reject) {
        // We bump our term when we win the pre-vote, not on each grant.
      } else if (m.type === 'MsgApp' || m.type === 'MsgHeartbeat' || m.type === 'MsgSnap') {
        this.becomeFollower(m.term, m.from);
      } else {
        this.becomeFollower(m.term, NONE);
      }
    } else if (m.term < this.term) {
      if ((this.checkQuorum || this.preVote) && (m.type === 'MsgHeartbeat' || m.type === 'MsgApp')) {
        // A stale leader (perhaps partitioned away) keeps sending. Answer with our term so it steps
        // down; otherwise, with pre-vote, its followers would never campaign and it would never learn.
        this.send({ type: 'MsgAppResp', to: m.from });
      } else if (m.type === 'MsgPreVote') {
        // Reject so the pre-candidate learns of our term and stops.
        this.send({ type: 'MsgPreVoteResp', to: m.from, term: this.term, reject: true });
      }
      return;
    }

    switch (m.type) {
      case 'MsgHup':
        this.hup(this.preVote ? 'pre_election' : 'election');
        return;
      case 'MsgVote':
      case 'MsgPreVote': {
        const respType: MessageType = m.type === 'MsgVote' ? 'MsgVoteResp' : 'MsgPreVoteResp';
        // We may vote again for the same candidate (a duplicate request), or for anyone if we have
        // neither voted nor seen a leader this term; a pre-vote for a future term is always open.
        const canVote =
          this.vote === m.from ||
          (this.vote === NONE && this.lead === NONE) ||
          (m.type === 'MsgPreVote' && m.term > this.term);
        if (canVote && this.raftLog.isUpToDate(m.index, m.logTerm)) {
          this.send({ type: respType, to: m.from, term: m.term });
          if (m.type === 'MsgVote') {
            this.electionElapsed = 0;
            this.vote = m.from;
          }
        } else {
          this.send({ type: respType, to: m.from, term: this.term, reject: true });
        }
        return;
      }
      default:
        this.stepRole(m);
    }
  }

  private stepCandidate(m: Message): void {
    const myVoteRespType: MessageType = this.role === 'pre_candidate' ? 'MsgPreVoteResp' : 'MsgVoteResp';
    switch (m.type) {
      case 'MsgProp':
        throw new RaftError('proposal_dropped', 'no leader: this node is campaigning', { id: this.id, term: this.term });
      case 'MsgApp':
        this.becomeFollower(m.term, m.from);
        follower.handleAppendEntries(this, m);
        return;
      case 'MsgHeartbeat':
        this.becomeFollower(m.term, m.from);
        follower.handleHeartbeat(this, m);
        return;
      case 'MsgSnap':
        this.becomeFollower(m.term, m.from);
        follower.handleSnapshot(this, m);
        return;
      case 'MsgTimeoutNow':
        return;
      default:
        if (m.type !== myVoteRespType) return;
        switch (this.poll(m.from, m.type, !m.reject)) {
          case 'won':
            if (this.role === 'pre_candidate') {
              this.campaign('election');
            } else {
              this.becomeLeader();
              leader.broadcastAppend(this);
            }
            return;
          case 'lost':
            // A pre-candidate that lost keeps its term; a candidate too (it already moved to it).
            this.becomeFollower(this.term, NONE);
            return;
          case 'pending':
            return;
        }
    }
  }

  private stepFollower(m: Message): void {
    switch (m.type) {
      case 'MsgProp':
        if (this.lead === NONE) {
          throw new RaftError('proposal_dropped', 'no leader to forward the proposal to', { id: this.id, term: this.term });
        }
        if (this.disableProposalForwarding) {
          throw new RaftError('proposal_dropped', 'proposal forwarding is disabled', { id: this.id, lead: this.lead });
        }
        this.send({ ...m, to: this.lead, term: 0 });
        return;
      case 'MsgApp':
        this.electionElapsed = 0;
        this.lead = m.from;
        follower.handleAppendEntries(this, m);
        return;
      case 'MsgHeartbeat':
        this.electionElapsed = 0;
        this.lead = m.from;
        follower.handleHeartbeat(this, m);
        return;
      case 'MsgSnap':
        this.electionElapsed = 0;
        this.lead = m.from;
        follower.handleSnapshot(this, m);
        return;
      case 'MsgTransferLeader':
        if (this.lead === NONE) return;
        this.send({ ...m, to: this.lead, term: 0 });
        return;
      case 'MsgTimeoutNow':
        // The leader asks us to campaign at once, skipping pre-vote: it is handing over.
        this.hup('transfer');
        return;
      case 'MsgReadIndex':
        if (this.lead === NONE) return;
        this.send({ ...m, to: this.lead, term: 0 });
        return;
      case 'MsgReadIndexResp':
        if (m.entries.length !== 1) return;
        this.readStates.push({ index: m.index, context: m.entries[0].data });
        return;
      default:
        return;
    }
  }

  /** Applies a committed conf change entry; returns the resulting configuration. */
  applyConfChange(cc: ConfChange): ConfState {
    applyConfChange(this.tracker, cc, this.raftLog.lastIndex());
    return this.switchToConfig();
  }

  private switchToConfig(): ConfState {
    const cs = this.tracker.confState();
    const pr = this.tracker.progress.get(this.id);
    this.isLearner = pr !== undefined && pr.isLearner;
    if ((pr === undefined || this.isLearner) && this.role === 'leader') {
      // We were removed or demoted: hand over to the most caught-up voter and step down, rather
      // than leaving the cluster to wait out an election timeout.
      leader.handOverOnRemoval(this);
      this.becomeFollower(this.term, NONE);
      return cs;
    }
    if (this.role !== 'leader' || cs.voters.length === 0) return cs;
    // The quorum may have shrunk: entries may now be committed.
    if (leader.maybeCommit(this)) {
      leader.broadcastAppend(this);
    } else {
      for (const id of this.tracker.memberIds()) {
        if (id !== this.id) leader.maybeSendAppend(this, id, false);
      }
    }
    if (this.leadTransferee !== NONE && !this.tracker.voters.has(this.leadTransferee)) this.abortLeaderTransfer();
    return cs;
  }

  /** Decodes and applies a conf change entry (convenience for applications). */
  applyConfChangeEntry(e: Entry): ConfState {
    return this.applyConfChange(decodeConfChange(e.data));
  }

  committedEntryInCurrentTerm(): boolean {
    return this.raftLog.term(this.raftLog.committed) === this.term;
  }
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

function validateConfig(c: RaftConfig): void {
  if (c.id === NONE) throw new RaftError('invalid_argument', 'cannot use 0 (none) as a node id');
  if (c.heartbeatTick <= 0) throw new RaftError('invalid_argument', 'heartbeatTick must be greater than 0');
  if (c.electionTick <= c.heartbeatTick) {
    throw new RaftError('invalid_argument', 'electionTick must be greater than heartbeatTick', {
      electionTick: c.electionTick,
      heartbeatTick: c.heartbeatTick,
    });
  }
  if ((c.maxInflightMsgs ?? 256) <= 0) throw new RaftError('invalid_argument', 'maxInflightMsgs must be greater than 0');
}

// The simulator's fake network (pure): links cut by disconnection or partition groups, and for
// each message a plan of deliveries drawn from the seeded RNG: dropped, delayed (so reordered),
// sometimes held back long, sometimes duplicated.

import type { SeededRandom } from '../rand.js';
import type { NodeId } from '../types.js';

export interface NetworkFaults {
  /** One-way delay range, ms. */
  readonly minDelay: number;
  readonly maxDelay: number;
  readonly dropRate: number;
  readonly duplicateRate: number;
  /** Probability that a message is held back up to longDelayMax ms (long reordering). */
  readonly longDelayRate: number;
  readonly longDelayMax: number;
}

export const RELIABLE_NETWORK: NetworkFaults = {
  minDelay: 0.2,
  maxDelay: 2,
  dropRate: 0,
  duplicateRate: 0,
  longDelayRate: 0,
  longDelayMax: 0,
};

/** Close to MIT 6.824's unreliable network: 10% loss, delays up to 27 ms, some long delays. */
export const UNRELIABLE_NETWORK: NetworkFaults = {
  minDelay: 0.2,
  maxDelay: 27,
  dropRate: 0.1,
  duplicateRate: 0.05,
  longDelayRate: 0.05,
  longDelayMax: 600,
};export class SimNetwork {
  private faults: NetworkFaults;
  /** node id -> partition group; members talk only within a group (absent: group 0). */
  private readonly group = new Map<NodeId, number>();
  /** Disconnected members (6.824's disconnect): all their traffic is lost. */
  private readonly disconnected = new Set<NodeId>();

  constructor(
    faults: NetworkFaults,
    private readonly rng: SeededRandom,
  ) {
    this.faults = faults;
  }

  setFaults(faults: Partial<NetworkFaults>): void {
    this.faults = { ...this.faults, ...faults };
  }

  disconnect(id: NodeId): void {
    this.disconnected.add(id);
  }

  connect(id: NodeId): void {
    this.disconnected.delete(id);
  }

  isConnected(id: NodeId): boolean {
    return !this.disconnected.has(id);
  }

  /** Splits members into groups that cannot talk to each other; unlisted members form group 0. */
  partition(groups: readonly (readonly NodeId[])[]): void {
    this.group.clear();
    groups.forEach((g, i) => g.forEach((id) => this.group.set(id, i + 1)));
  }

  heal(): void {
    this.group.clear();
    this.disconnected.clear();
  }

  linked(from: NodeId, to: NodeId): boolean {
    return !this.disconnected.has(from) && !this.disconnected.has(to) && (this.group.get(from) ?? 0) === (this.group.get(to) ?? 0);
  }

  /** Delays (ms) of each delivery of one message: none when it is lost, two when duplicated. */
  plan(): number[] {
    const f = this.faults;
    if (f.dropRate > 0 && this.rng.chance(f.dropRate)) return [];
    const copies = f.duplicateRate > 0 && this.rng.chance(f.duplicateRate) ? 2 : 1;
    const delays: number[] = [];
    for (let c = 0; c < copies; c++) {
      let delay = f.minDelay + this.rng.float() * (f.maxDelay - f.minDelay);
      if (f.longDelayRate > 0 && this.rng.chance(f.longDelayRate)) delay += this.rng.float() * f.longDelayMax;
      delays.push(delay);
    }
    return delays;
  }
}

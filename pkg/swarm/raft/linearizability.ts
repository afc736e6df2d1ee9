// A linearizability checker (pure) after Wing & Gong with Lowe's memoization, as in Porcupine:
// depth-first search for an order of operations consistent with real time and a sequential model,
// caching (linearized set, state) pairs already explored. Histories are partitioned (per key for
// a KV store) and each part checked alone, which keeps the search small.

export interface Model<State, Input, Output> {
  init(): State;
  /** Applies input in state; ok if the recorded output is what the model would produce. */
  step(state: State, input: Input, output: Output | undefined): { ok: boolean; state: State };
  /** A canonical string for the state, for memoization. */
  key(state: State): string;
  /** Splits a history into independent parts (e.g. per key); default: one part. */
  partition?(ops: ReadonlyArray<Operation<Input, Output>>): Array<Array<Operation<Input, Output>>>;
}

export interface Operation<Input, Output> {
  readonly clientId: number;
  readonly input: Input;
  /** undefined: the outcome is unknown (the request timed out); the op may or may not have happened. */
  readonly output: Output | undefined;
  readonly call: number;
  /** Infinity when the outcome is unknown. */
  readonly return: number;
}

export type CheckResult = { readonly ok: true } | { readonly ok: false; readonly part: number; readonly longestPrefix: number };

interface Node {
  /** Operation index within the part; call entries and return entries share it. */
  readonly op: number;
  readonly isCall: boolean;
  /** For a call: its return entry. */
  match: Node | undefined;
  prev: Node | undefined;
  next: Node | undefined;
}

/** Checks a history; `timeoutSteps` bounds the search per part (then it reports ok: false). */
export function checkLinearizable<S, I, O>(
  model: Model<S, I, O>,
  history: ReadonlyArray<Operation<I, O>>,
  timeoutSteps = 5_000_000,
): CheckResult {
  const parts = model.partition ? model.partition(history) : [history.slice()];
  for (let p = 0; p < parts.length; p++) {
    const result = checkPart(model, parts[p], timeoutSteps);
    if (result !== true) return { ok: false, part: p, longestPrefix: result };
  }
  return { ok: true };
}

/** true, or the largest number of operations linearized before the search failed. */
function checkPart<S, I, O>(model: Model<S, I, O>, ops: ReadonlyArray<Operation<I, O>>, timeoutSteps: number): true | number {
  if (ops.length === 0) return true;
  // Entries in time order; at equal times calls come first, which treats touching ops as concurrent
  // (the permissive reading).
  const events: Array<{ time: number; op: number; isCall: boolean }> = [];
  ops.forEach((o, i) => {
    events.push({ time: o.call, op: i, isCall: true });
    events.push({ time: o.return, op: i, isCall: false });
  });
  events.sort((a, b) => a.time - b.time || (a.isCall === b.isCall ? a.op - b.op : a.isCall ? -1 : 1));
  const head: Node = { op: -1, isCall: false, match: undefined, prev: undefined, next: undefined };
  const calls = new Map<number, Node>();
  let tail = head;
  for (const e of events) {
    const node: Node = { op: e.op, isCall: e.isCall, match: undefined, prev: tail, next: undefined };
    tail.next = node;
    tail = node;
    if (e.isCall) calls.set(e.op, node);
    else (calls.get(e.op) as Node).match = node;
  }

  const lift = (call: Node): void => {
    (call.prev as Node).next = call.next;
    if (call.next) call.next.prev = call.prev;
    const ret = call.match as Node;
    (ret.prev as Node).next = ret.next;
    if (ret.next) ret.next.prev = ret.prev;
  };
  const unlift = (call: Node): void => {
    const ret = call.match as Node;
    (ret.prev as Node).next = ret;
    if (ret.next) ret.next.prev = ret;
    (call.prev as Node).next = call;
    if (call.next) call.next.prev = call;
  };

  const linearized = new Uint8Array(ops.length);
  const bits = (): string => {
    // Compact bitset rendering: 6 bits per char.
    let s = '';
    for (let i = 0; i < ops.length; i += 6) {
      let v = 0;
      for (let j = 0; j < 6 && i + j < ops.length; j++) v |= linearized[i + j] << j;
      s += String.fromCharCode(48 + v);
    }
    return s;
  };
  const cache = new Set<string>();
  const stack: Array<{ call: Node; state: S }> = [];
  let state = model.init();
  let entry = head.next;
  let longest = 0;
  let steps = 0;
  while (head.next !== undefined) {
    if (++steps > timeoutSteps) return longest;
    const current = entry as Node;
    if (current.isCall) {
      const op = ops[current.op];
      const { ok, state: next } = model.step(state, op.input, op.output);
      if (ok) {
        linearized[current.op] = 1;
        const key = `${model.key(next)}|${bits()}`;
        if (!cache.has(key)) {
          cache.add(key);
          stack.push({ call: current, state });
          state = next;
          lift(current);
          if (stack.length > longest) longest = stack.length;
          entry = head.next;
          continue;
        }
        linearized[current.op] = 0;
      }
      entry = current.next;
    } else {
      // A return whose call is not linearized yet: the order so far cannot be extended. Backtrack.
      const top = stack.pop();
      if (top === undefined) return longest;
      state = top.state;
      linearized[top.call.op] = 0;
      unlift(top.call);
      entry = top.call.next;
    }
  }
  return true;
}

// ---- the KV model ----

export type KvInput =
  | { readonly op: 'get'; readonly key: string }
  | { readonly op: 'put'; readonly key: string; readonly value: string }
  | { readonly op: 'delete'; readonly key: string }
  | { readonly op: 'cas'; readonly key: string; readonly expected: string | null; readonly value: string | null };

/** get: the value read (null: absent); cas: whether it applied; put/delete: true. */
export type KvOutput = { readonly value: string | null } | { readonly ok: boolean };

/** Per-key register model of the KV store. */
export const kvModel: Model<string | null, KvInput, KvOutput> = {
  init: () => null,
  key: (s) => (s === null ? '\u0000' : `=${s}`),
  step(state, input, output) {
    switch (input.op) {
      case 'get':
        return { ok: output === undefined || (output as { value: string | null }).value === state, state };
      case 'put':
        return { ok: true, state: input.value };
      case 'delete':
        return { ok: true, state: null };
      case 'cas': {
        const applies = state === input.expected;
        const next = applies ? input.value : state;
        if (output === undefined) return { ok: true, state: next };
        return { ok: (output as { ok: boolean }).ok === applies, state: next };
      }
    }
  },
  partition(ops) {
    const byKey = new Map<string, Array<Operation<KvInput, KvOutput>>>();
    for (const o of ops) {
      const list = byKey.get(o.input.key) ?? [];
      list.push(o);
      byKey.set(o.input.key, list);
    }
    return [...byKey.keys()].sort().map((k) => byKey.get(k) as Array<Operation<KvInput, KvOutput>>);
  },
};

import type { BrokerFaultState, FaultDecider, FaultDecision, FaultRuleInput, FaultRuleView } from '../../core/contracts.js';
import type { DevmodeEvent } from '../../core/events/index.js';
import type { FaultRule } from '../../config/types.js';
import { describeAction, FaultInputError, ruleFromInput } from './fault-input.js';
import { compilePathPattern, type PathMatcher } from './path-match.js';
import { mulberry32, seedFor } from './prng.js';

/** The seed used when the config names none: runs are repeatable by default. */
export const DEFAULT_FAULT_SEED = 0x5eed;

export interface FaultTableOptions {
  /** rules from the config (`faults:`), in order; they come first */
  rules?: readonly FaultRule[];
  /** seed of the random source (percentages, jitter); default DEFAULT_FAULT_SEED */
  seed?: number;
  publish?: (event: DevmodeEvent) => void;
  /** service names, to reject a run-time rule that names an unknown one */
  services?: readonly string[];
}

interface Entry {
  rule: FaultRule;
  source: 'config' | 'runtime';
  matches: PathMatcher;
  methods: ReadonlySet<string> | null;
  random: () => number;
  label: string;
  hits: number;
}

/**
 * Every fault rule in force: from the config, and set or cleared at run time. Decides, per
 * call, whether a rule changes it (the first rule, in order, that matches the caller,
 * callee, method and path and whose percentage draw hits), and answers the broker's
 * questions (BrokerFaultState). Each rule draws from its own PRNG seeded from the table's
 * seed and the rule's id, so the same rules, seed and sequence of calls give the same
 * decisions, and adding a rule does not change another's. A rule that is replaced (same
 * id) starts its sequence again.
 *
 * Cut rules match on caller and callee only: they act on connections (MeshEdge closes its
 * listener), so path, methods and percent do not apply.
 */
export class FaultTable implements FaultDecider, BrokerFaultState {
  readonly #seed: number;
  readonly #publish: (event: DevmodeEvent) => void;
  readonly #services: readonly string[] | undefined;
  readonly #listeners = new Set<() => void>();
  #entries: Entry[] = [];
  /** the rules decide() looks at (HTTP actions and cut), kept apart so the broker's rules cost calls nothing */
  #calls: Entry[] = [];
  #down = false;
  #produceErrors = new Map<string, Entry>();
  #deliveryDelays = new Map<string, number>();
  #pausedGroups = new Set<string>();
  #nextId = 0;

  constructor(options: FaultTableOptions = {}) {
    this.#seed = options.seed ?? DEFAULT_FAULT_SEED;
    this.#publish = options.publish ?? (() => {});
    this.#services = options.services;
    for (const rule of options.rules ?? []) this.#put(rule, 'config');
    this.#derive();
  }

  /**
   * The fault for one call, or null. Counts a hit and publishes `fault.applied` when a
   * rule applies. Cheap with no rules: one length check.
   */
  decide(caller: string, callee: string, method: string, path: string): FaultDecision | null {
    const calls = this.#calls;
    if (calls.length === 0) return null;
    for (const entry of calls) {
      const rule = entry.rule;
      if (rule.caller !== '*' && rule.caller !== caller) continue;
      if (rule.callee !== '*' && rule.callee !== callee) continue;
      const action = rule.action;
      if (action.kind !== 'cut') {
        if (entry.methods && !entry.methods.has(method)) continue;
        if (!entry.matches(path)) continue;
        if (rule.percent < 100 && !(entry.random() * 100 < rule.percent)) continue;
      }
      entry.hits++;
      let decision: FaultDecision;
      switch (action.kind) {
        case 'delay': {
          const ms = action.jitterMs > 0 ? action.ms + Math.floor(entry.random() * (action.jitterMs + 1)) : action.ms;
          decision = { rule: rule.id, label: `${rule.id}: delay ${ms} ms`, kind: 'delay', ms };
          break;
        }
        case 'status':
          decision = { rule: rule.id, label: `${rule.id}: status ${action.status}`, kind: 'status', status: action.status, body: action.body };
          break;
        case 'abort':
        case 'drop':
        case 'cut':
          decision = { rule: rule.id, label: `${rule.id}: ${action.kind}`, kind: action.kind };
          break;
        default:
          continue; // broker actions never reach #calls
      }
      this.#emit({ type: 'fault.applied', id: rule.id, action: decision.label.slice(rule.id.length + 2), caller, callee, method, path, ts: Date.now() });
      return decision;
    }
    return null;
  }

  /**
   * Whether any call rule (of any action, method or path) may apply to calls from `caller`
   * to `callee`: the mesh's lean path serves only calls no rule can touch.
   */
  touches(caller: string, callee: string): boolean {
    for (const entry of this.#calls) {
      const r = entry.rule;
      if ((r.caller === '*' || r.caller === caller) && (r.callee === '*' || r.callee === callee)) return true;
    }
    return false;
  }

  /** The id of the cut rule that cuts `caller` off `callee`, or null. */
  cutRule(caller: string, callee: string): string | null {
    for (const entry of this.#calls) {
      const r = entry.rule;
      if (r.action.kind === 'cut' && (r.caller === '*' || r.caller === caller) && (r.callee === '*' || r.callee === callee)) return r.id;
    }
    return null;
  }

  /**
   * Adds a run-time rule, or replaces the rule with the same id in place. Throws a
   * FaultInputError (a user-facing message) for a malformed rule.
   */
  set(input: FaultRuleInput): FaultRuleView {
    if (input.id !== undefined && (typeof input.id !== 'string' || input.id === '')) throw new FaultInputError('a fault rule id must be a non-empty string');
    let id = input.id;
    if (id === undefined) {
      do id = `rule-${++this.#nextId}`;
      while (this.#entries.some((e) => e.rule.id === id));
    }
    const entry = this.#put(ruleFromInput(input, id, this.#services), 'runtime');
    this.#changed();
    return view(entry);
  }

  /** Removes a rule; false when there is none with that id. */
  clear(id: string): boolean {
    const before = this.#entries.length;
    this.#entries = this.#entries.filter((e) => e.rule.id !== id);
    if (this.#entries.length === before) return false;
    this.#emit({ type: 'fault.cleared', id, ts: Date.now() });
    this.#changed();
    return true;
  }

  /** Removes every rule, configured and run-time. */
  clearAll(): void {
    const ids = this.#entries.map((e) => e.rule.id);
    if (ids.length === 0) return;
    this.#entries = [];
    for (const id of ids) this.#emit({ type: 'fault.cleared', id, ts: Date.now() });
    this.#changed();
  }

  list(): FaultRuleView[] {
    return this.#entries.map(view);
  }

  // --- BrokerFaultState ---

  get down(): boolean {
    return this.#down;
  }

  produceError(topic: string): number {
    if (this.#produceErrors.size === 0) return 0;
    const entry = this.#produceErrors.get(topic) ?? this.#produceErrors.get('*');
    if (!entry || entry.rule.action.kind !== 'produce-error') return 0;
    if (entry.rule.percent < 100 && !(entry.random() * 100 < entry.rule.percent)) return 0;
    entry.hits++;
    this.#emit({ type: 'fault.applied', id: entry.rule.id, action: entry.label, caller: '*', callee: 'kafka', method: 'PRODUCE', path: topic, ts: Date.now() });
    return entry.rule.action.errorCode;
  }

  deliveryDelayMs(topic: string): number {
    if (this.#deliveryDelays.size === 0) return 0;
    return this.#deliveryDelays.get(topic) ?? this.#deliveryDelays.get('*') ?? 0;
  }

  groupPaused(group: string): boolean {
    return this.#pausedGroups.has(group);
  }

  active(): { produceErrors: boolean; deliveryDelays: boolean; pausedGroups: boolean } {
    return { produceErrors: this.#produceErrors.size > 0, deliveryDelays: this.#deliveryDelays.size > 0, pausedGroups: this.#pausedGroups.size > 0 };
  }

  /** Called after any rule is set or cleared (edges re-check cuts, the broker its state). */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #put(rule: FaultRule, source: 'config' | 'runtime'): Entry {
    const matcher = compilePathPattern(rule.path);
    const entry: Entry = {
      rule,
      source,
      // The config's checks already rejected bad patterns; never match rather than throw.
      matches: typeof matcher === 'string' ? () => false : matcher,
      methods: rule.methods.length > 0 ? new Set(rule.methods) : null,
      random: mulberry32(seedFor(this.#seed, rule.id)),
      label: describeAction(rule.action),
      hits: 0,
    };
    const at = this.#entries.findIndex((e) => e.rule.id === rule.id);
    if (at === -1) this.#entries.push(entry);
    else this.#entries[at] = entry;
    this.#emit({ type: 'fault.set', rule: view(entry), ts: Date.now() });
    return entry;
  }

  #changed(): void {
    this.#derive();
    for (const listener of [...this.#listeners]) {
      try {
        listener();
      } catch {
        // A listener's failure must not stop the others from seeing the change.
      }
    }
  }

  /** Recomputes the lookup structures the hot paths read. */
  #derive(): void {
    this.#calls = [];
    this.#down = false;
    this.#produceErrors = new Map();
    this.#deliveryDelays = new Map();
    this.#pausedGroups = new Set();
    for (const entry of this.#entries) {
      const action = entry.rule.action;
      switch (action.kind) {
        case 'broker-down':
          this.#down = true;
          break;
        case 'produce-error':
          if (!this.#produceErrors.has(action.topic)) this.#produceErrors.set(action.topic, entry);
          break;
        case 'delivery-delay':
          if (!this.#deliveryDelays.has(action.topic)) this.#deliveryDelays.set(action.topic, action.ms);
          break;
        case 'pause-group':
          this.#pausedGroups.add(action.group);
          break;
        default:
          this.#calls.push(entry);
      }
    }
  }

  #emit(event: DevmodeEvent): void {
    try {
      this.#publish(event);
    } catch {
      // A failing view must not break a call.
    }
  }
}

function view(entry: Entry): FaultRuleView {
  const r = entry.rule;
  return { id: r.id, source: entry.source, caller: r.caller, callee: r.callee, path: r.path, methods: [...r.methods], percent: r.percent, action: entry.label, hits: entry.hits };
}

/**
 * Fault rules coming and going, and calls they changed. Owned by mesh/.
 * A rule is described as the views show it (FaultRuleView in core/contracts.ts).
 */
import type { FaultRuleView } from '../contracts.js';

export type FaultEvent =
  /** A rule was added or replaced (same id), from the config at start or at run time. */
  | { type: 'fault.set'; rule: FaultRuleView; ts: number }
  /** A rule was removed. */
  | { type: 'fault.cleared'; id: string; ts: number }
  /**
   * A rule changed one call (one per affected call, like http.exchange; not worth a line).
   * `caller`/`callee` are service names; broker rules use callee 'kafka' and the topic as path.
   */
  | { type: 'fault.applied'; id: string; action: string; caller: string; callee: string; method: string; path: string; ts: number };

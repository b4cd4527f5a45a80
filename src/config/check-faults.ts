/** Semantic checks of `faults:` rules. */
import { suggest } from '../util/suggest.js';
import type { CheckContext } from './check-context.js';
import { checkMethods, routePatternProblem } from './check-routes.js';
import type { RawConfig } from './schema.js';

/** The action keys of a fault rule; exactly one per rule. */
export const FAULT_ACTIONS = ['delay', 'status', 'abort', 'drop', 'cut'] as const;

/** Checks each rule's action, endpoints and path. */
export function checkFaults(ctx: CheckContext, config: RawConfig): void {
  const services = Object.keys(config.services);
  const ids = new Set<string>();
  (config.faults ?? []).forEach((rule, i) => {
    const at = ['faults', i];
    const label = `fault rule ${i + 1}`;
    const actions = FAULT_ACTIONS.filter((key) => rule[key] !== undefined);
    if (actions.length === 0) {
      ctx.error(at, 'value', `${label} has no action`, `add one of ${FAULT_ACTIONS.join(', ')}`);
    } else if (actions.length > 1) {
      ctx.error([...at, actions[1] ?? 'delay'], 'key', `${label} has both '${actions[0]}' and '${actions[1]}'`, 'a rule has one action; write two rules');
    }
    if (rule.jitter !== undefined && rule.delay === undefined) {
      ctx.error([...at, 'jitter'], 'key', `'jitter' needs 'delay' in ${label}`, 'add delay: (the base delay)');
    }
    if (rule.body !== undefined && rule.status === undefined) {
      ctx.error([...at, 'body'], 'key', `'body' needs 'status' in ${label}`, 'add status: (e.g. 503)');
    }
    for (const key of ['caller', 'callee'] as const) {
      const who = rule[key];
      const allowed = key === 'caller' ? ['*', 'gateway', ...services] : ['*', ...services];
      if (who !== undefined && !allowed.includes(who)) {
        const close = suggest(who, allowed);
        ctx.error([...at, key], 'value', `${key} '${who}' of ${label} is not a service`, close ? `did you mean '${close}'?` : `use one of ${allowed.join(', ')}`);
      }
    }
    if (rule.path !== undefined && rule.path !== '*') {
      const problem = routePatternProblem(rule.path);
      if (problem !== undefined) ctx.error([...at, 'path'], 'value', `invalid path '${rule.path}' in ${label}: ${problem}`, "use a route pattern like /api/** or '*'");
    }
    if (rule.methods) checkMethods(ctx, [...at, 'methods'], rule.methods);
    if (rule.id !== undefined) {
      if (ids.has(rule.id)) ctx.error([...at, 'id'], 'value', `fault id '${rule.id}' is used twice`, 'give each rule its own id');
      ids.add(rule.id);
    }
  });
}

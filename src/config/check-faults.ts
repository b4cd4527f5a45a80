/** Semantic checks of `faults:` rules. */
import { suggest } from '../util/suggest.js';
import type { CheckContext } from './check-context.js';
import { checkMethods, routePatternProblem } from './check-routes.js';
import type { RawConfig } from './schema.js';
import type { ConfigPath } from './yaml-source.js';

/** The action keys of a fault rule; exactly one per rule. */
export const FAULT_ACTIONS = ['delay', 'status', 'abort', 'drop', 'cut', 'broker'] as const;

/** The keys of a broker fault; exactly one per rule. */
export const BROKER_FAULT_ACTIONS = ['down', 'produce_error', 'delivery_delay', 'pause_group'] as const;

/**
 * Checks each rule's action, endpoints and path. `written` holds each rule's keys as
 * written (before invalid values were pruned): an action whose value is wrong has its own
 * message already, so the rule is not also said to have no action.
 */
export function checkFaults(ctx: CheckContext, config: RawConfig, written: readonly (readonly string[])[] = []): void {
  const services = Object.keys(config.services);
  const ids = new Set<string>();
  (config.faults ?? []).forEach((rule, i) => {
    const at = ['faults', i];
    const label = `fault rule ${i + 1}`;
    const actions = FAULT_ACTIONS.filter((key) => rule[key] !== undefined);
    const writtenAction = (written[i] ?? []).some((key) => (FAULT_ACTIONS as readonly string[]).includes(key));
    if (actions.length === 0 && !writtenAction) {
      ctx.error(at, 'value', `${label} has no action`, `add one of ${FAULT_ACTIONS.join(', ')}`);
    } else if (actions.length > 1) {
      ctx.error([...at, actions[1] ?? 'delay'], 'key', `${label} has both '${actions[0]}' and '${actions[1]}'`, 'a rule has one action; write two rules');
    }
    if (rule.jitter !== undefined && rule.delay === undefined && !(written[i] ?? []).includes('delay')) {
      ctx.error([...at, 'jitter'], 'key', `'jitter' needs 'delay' in ${label}`, 'add delay: (the base delay)');
    }
    if (rule.body !== undefined && rule.status === undefined) {
      ctx.error([...at, 'body'], 'key', `'body' needs 'status' in ${label}`, 'add status: (e.g. 503)');
    }
    if (rule.broker !== undefined) checkBrokerFault(ctx, at, label, rule);
    else if (rule.callee === 'kafka' && !services.includes('kafka')) {
      ctx.error([...at, 'callee'], 'value', `callee 'kafka' of ${label} needs a broker action`, 'add broker: { down: true } (or produce_error, delivery_delay, pause_group)');
    }
    for (const key of ['caller', 'callee'] as const) {
      const who = rule[key];
      if (key === 'callee' && who === 'kafka' && (rule.broker !== undefined || !services.includes('kafka'))) continue;
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

/** A broker rule: callee kafka (or left out), one broker action, and no HTTP-only keys. */
function checkBrokerFault(ctx: CheckContext, at: ConfigPath, label: string, rule: NonNullable<RawConfig['faults']>[number]): void {
  const broker = rule.broker ?? {};
  if (rule.callee !== undefined && rule.callee !== 'kafka') {
    ctx.error([...at, 'callee'], 'value', `${label} is a broker fault but its callee is '${rule.callee}'`, "use callee: kafka (or leave callee out)");
  }
  for (const key of ['path', 'methods'] as const) {
    if (rule[key] !== undefined) ctx.error([...at, key], 'key', `'${key}' does not apply to ${label}, a broker fault`, `remove ${key}: (it selects HTTP calls)`);
  }
  const actions = BROKER_FAULT_ACTIONS.filter((key) => broker[key] !== undefined);
  if (actions.length === 0) {
    ctx.error([...at, 'broker'], 'value', `'broker' of ${label} has no action`, `add one of ${BROKER_FAULT_ACTIONS.join(', ')}`);
  } else if (actions.length > 1) {
    ctx.error([...at, 'broker', actions[1] ?? 'down'], 'key', `'broker' of ${label} has both '${actions[0]}' and '${actions[1]}'`, 'a rule has one action; write two rules');
  }
  if (broker.topic !== undefined && (broker.down !== undefined || broker.pause_group !== undefined) && actions.length === 1) {
    ctx.error([...at, 'broker', 'topic'], 'key', `'topic' does not apply to '${actions[0]}' in ${label}`, 'topic goes with produce_error or delivery_delay');
  }
}

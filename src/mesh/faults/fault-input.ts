/**
 * Turns a run-time rule (FaultRuleInput: the admin API's JSON, the harness) into the same
 * FaultRule shape the config produces, with one clear message for each mistake.
 */
import type { FaultRuleInput } from '../../core/contracts.js';
import type { FaultAction, FaultRule } from '../../config/types.js';
import { suggest } from '../../util/suggest.js';
import { compilePathPattern } from './path-match.js';

/** A run-time rule that cannot be used; the message says what and how to fix it. */
export class FaultInputError extends Error {
  override name = 'FaultInputError';
  readonly userError = true;
}

const HTTP_ACTIONS = ['delay', 'status', 'abort', 'drop', 'cut', 'broker'] as const;
const BROKER_ACTIONS = ['down', 'produceError', 'deliveryDelayMs', 'pauseGroup'] as const;

/** `250`, `250ms`, `1.5s`, `2m`: milliseconds, or undefined when not a duration. */
export function parseMs(value: number | string | undefined): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*$/.exec(value);
  if (!match) return undefined;
  const factor = match[2] === 's' ? 1000 : match[2] === 'm' ? 60_000 : 1;
  return Math.round(Number(match[1]) * factor);
}

/**
 * Validates and normalizes a run-time rule. `services` (when given) are the names a caller
 * or callee may take besides '*', 'gateway' (caller) and 'kafka' (callee).
 */
export function ruleFromInput(input: FaultRuleInput, id: string, services?: readonly string[]): FaultRule {
  if (typeof input !== 'object' || input === null) throw new FaultInputError('a fault rule must be a JSON object');
  const label = `fault rule '${id}'`;
  const actions = HTTP_ACTIONS.filter((key) => input[key] !== undefined && input[key] !== false);
  if (actions.length !== 1) {
    throw new FaultInputError(
      actions.length === 0
        ? `${label} has no action: give one of delay, status, abort, drop, cut or broker`
        : `${label} has ${actions.length} actions (${actions.join(', ')}): a rule has exactly one; set several rules instead`,
    );
  }
  const broker = actions[0] === 'broker';
  const callee = input.callee ?? (broker ? 'kafka' : '*');
  if (broker && callee !== 'kafka') throw new FaultInputError(`${label}: a broker fault needs callee 'kafka' (got '${callee}')`);
  if (!broker && callee === 'kafka') throw new FaultInputError(`${label}: callee 'kafka' takes a broker action, e.g. broker: { down: true }`);
  const caller = input.caller ?? '*';
  if (services) {
    checkName(label, 'caller', caller, ['*', 'gateway', ...services]);
    if (!broker) checkName(label, 'callee', callee, ['*', ...services]);
  }
  const path = input.path ?? '*';
  if (typeof path !== 'string') throw new FaultInputError(`${label}: path must be a string like /api/** or '*'`);
  const matcher = compilePathPattern(path);
  if (typeof matcher === 'string') throw new FaultInputError(`${label}: ${matcher}`);
  const methods = input.methods ?? [];
  if (!Array.isArray(methods) || methods.some((m) => typeof m !== 'string' || !/^[A-Za-z]+$/.test(m))) {
    throw new FaultInputError(`${label}: methods must be a list of HTTP method names like ["GET", "POST"]`);
  }
  const percent = input.percent ?? 100;
  if (typeof percent !== 'number' || !(percent >= 0 && percent <= 100)) throw new FaultInputError(`${label}: percent must be a number from 0 to 100 (got ${String(percent)})`);
  if (input.jitter !== undefined && input.delay === undefined) throw new FaultInputError(`${label}: jitter needs delay (the base delay)`);
  if (input.body !== undefined && input.status === undefined) throw new FaultInputError(`${label}: body needs status (e.g. 503)`);
  return { id, caller, callee, path, methods: methods.map((m) => m.toUpperCase()), percent, action: actionOf(input, label) };
}

function actionOf(input: FaultRuleInput, label: string): FaultAction {
  if (input.delay !== undefined) {
    const ms = parseMs(input.delay);
    const jitterMs = input.jitter === undefined ? 0 : parseMs(input.jitter);
    if (ms === undefined || jitterMs === undefined) throw new FaultInputError(`${label}: delay and jitter take milliseconds or a duration like "250ms" or "2s"`);
    return { kind: 'delay', ms, jitterMs };
  }
  if (input.status !== undefined) {
    if (!Number.isInteger(input.status) || input.status < 100 || input.status > 599) throw new FaultInputError(`${label}: status must be an HTTP status from 100 to 599 (got ${String(input.status)})`);
    if (input.body !== undefined && typeof input.body !== 'string') throw new FaultInputError(`${label}: body must be a string`);
    return { kind: 'status', status: input.status, body: input.body ?? null };
  }
  if (input.abort === true) return { kind: 'abort' };
  if (input.drop === true) return { kind: 'drop' };
  if (input.cut === true) return { kind: 'cut' };
  const b = input.broker;
  if (typeof b !== 'object' || b === null) throw new FaultInputError(`${label}: abort, drop and cut take true; broker takes an object`);
  const kinds = BROKER_ACTIONS.filter((key) => b[key] !== undefined && b[key] !== false);
  if (kinds.length !== 1) {
    throw new FaultInputError(`${label}: broker takes exactly one of down, produceError (with topic), deliveryDelayMs (with topic) or pauseGroup${kinds.length ? ` (got ${kinds.join(', ')})` : ''}`);
  }
  const topic = b.topic ?? '*';
  switch (kinds[0]) {
    case 'down':
      return { kind: 'broker-down' };
    case 'produceError':
      if (!Number.isInteger(b.produceError) || b.produceError! <= 0 || b.produceError! > 32767) throw new FaultInputError(`${label}: produceError must be a Kafka error code, e.g. 6 (NOT_LEADER_OR_FOLLOWER) or 7 (REQUEST_TIMED_OUT)`);
      return { kind: 'produce-error', topic, errorCode: b.produceError! };
    case 'deliveryDelayMs': {
      const ms = parseMs(b.deliveryDelayMs);
      if (ms === undefined) throw new FaultInputError(`${label}: deliveryDelayMs must be a number of milliseconds`);
      return { kind: 'delivery-delay', topic, ms };
    }
    default:
      if (typeof b.pauseGroup !== 'string' || b.pauseGroup === '') throw new FaultInputError(`${label}: pauseGroup must be a consumer group id`);
      return { kind: 'pause-group', group: b.pauseGroup };
  }
}

function checkName(label: string, key: string, name: unknown, allowed: string[]): void {
  if (typeof name !== 'string') throw new FaultInputError(`${label}: ${key} must be a service name or '*'`);
  if (allowed.includes(name)) return;
  const close = suggest(name, allowed);
  throw new FaultInputError(`${label}: ${key} '${name}' is not a service${close ? `; did you mean '${close}'?` : `; use one of ${allowed.join(', ')}`}`);
}

/** How a rule's action reads in views and traffic records. */
export function describeAction(action: FaultAction): string {
  switch (action.kind) {
    case 'delay':
      return `delay ${action.ms} ms${action.jitterMs ? ` + 0..${action.jitterMs} ms` : ''}`;
    case 'status':
      return `status ${action.status}`;
    case 'abort':
    case 'drop':
    case 'cut':
      return action.kind;
    case 'broker-down':
      return 'broker down';
    case 'produce-error':
      return `produce error ${action.errorCode} on ${action.topic === '*' ? 'every topic' : action.topic}`;
    case 'delivery-delay':
      return `delivery delay ${action.ms} ms on ${action.topic === '*' ? 'every topic' : action.topic}`;
    case 'pause-group':
      return `pause group ${action.group}`;
  }
}

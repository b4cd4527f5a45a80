/**
 * The one validator of run-time fault rules (FaultRuleInput: the admin API's JSON, the
 * TUI, the harness): turns one into the same FaultRule shape the config produces, with one
 * clear message and a hint for each mistake. Durations use the config's grammar.
 */
import type { FaultRuleInput } from '../../core/contracts.js';
import type { FaultAction, FaultRule } from '../../config/types.js';
import { parseDuration } from '../../util/duration.js';
import { suggest } from '../../util/suggest.js';
import { compilePathPattern } from './path-match.js';

/** A run-time rule that cannot be used: what is wrong, and a hint saying what to do. */
export class FaultInputError extends Error {
  override name = 'FaultInputError';
  readonly userError = true;
  readonly status = 400;
  readonly hint: string | undefined;
  constructor(message: string, hint?: string) {
    super(message);
    this.hint = hint;
  }
}

const KEYS = ['id', 'caller', 'callee', 'path', 'methods', 'percent', 'delay', 'jitter', 'status', 'body', 'abort', 'drop', 'cut', 'broker'] as const;
const ACTIONS = ['delay', 'status', 'abort', 'drop', 'cut', 'broker'] as const;
const BROKER_KEYS = ['down', 'topic', 'produceError', 'deliveryDelayMs', 'pauseGroup'] as const;
const BROKER_ACTIONS = ['down', 'produceError', 'deliveryDelayMs', 'pauseGroup'] as const;
const EXAMPLE = 'e.g. {"caller":"shipping","callee":"user","delay":"200ms","percent":50}';
const BROKER_EXAMPLE = 'e.g. {"broker":{"down":true}} or {"broker":{"topic":"orders","produceError":6}}';

/**
 * Validates and normalizes a run-time rule whose id is `id` (given, or made up by the
 * table). `services` (when given) are the names a caller or callee may take besides '*',
 * 'gateway' (caller) and 'kafka' (callee).
 */
export function ruleFromInput(input: FaultRuleInput, id: string, services?: readonly string[]): FaultRule {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new FaultInputError('a fault rule must be a JSON object', EXAMPLE);
  const body = input as Record<string, unknown>;
  const label = body.id === undefined ? 'the fault rule' : `fault rule '${id}'`;
  checkKeys(body, KEYS, '', label);
  if (typeof body.id === 'string' && !/^[A-Za-z0-9._:-]{1,100}$/.test(body.id)) throw new FaultInputError(`id "${body.id}" has characters that do not fit in a URL path`, 'use letters, digits, ".", "_", ":" or "-"');
  for (const key of ['id', 'caller', 'callee', 'path'] as const) {
    const value = body[key];
    if (value !== undefined && (typeof value !== 'string' || value.trim() === '')) {
      throw new FaultInputError(`${key} of ${label} must be a non-empty string`, key === 'path' ? 'a path pattern as in routes, e.g. "/api/orders/*"' : key === 'id' ? 'e.g. "slow-user"' : 'a service name, "gateway" or "*"');
    }
  }
  const actions = ACTIONS.filter((key) => body[key] !== undefined && body[key] !== false);
  if (actions.length === 0) throw new FaultInputError(`${label} has no action`, `give exactly one of ${ACTIONS.join(', ')}; ${EXAMPLE}`);
  if (actions.length > 1) throw new FaultInputError(`${label} has ${actions.length} actions (${actions.join(', ')})`, 'a rule has exactly one action; set several rules to combine them');
  const action = actions[0]!;
  if (body.jitter !== undefined && action !== 'delay') throw new FaultInputError(`jitter only goes with delay in ${label}`, 'e.g. {"delay":"100ms","jitter":"50ms"}');
  if (body.body !== undefined && action !== 'status') throw new FaultInputError(`body only goes with status in ${label}`, 'e.g. {"status":503,"body":"maintenance"}');

  const broker = action === 'broker';
  const callee = (body.callee as string | undefined) ?? (broker ? 'kafka' : '*');
  if (broker && callee !== 'kafka') throw new FaultInputError(`${label} is a broker fault, so its callee is "kafka", not "${callee}"`, 'leave callee out or set it to "kafka"');
  if (!broker && callee === 'kafka') throw new FaultInputError(`callee "kafka" of ${label} takes a broker action`, BROKER_EXAMPLE);
  const caller = (body.caller as string | undefined) ?? '*';
  if (services) {
    checkName(label, 'caller', caller, ['*', 'gateway', ...services]);
    if (!broker) checkName(label, 'callee', callee, ['*', ...services]);
  }
  const path = (body.path as string | undefined) ?? '*';
  const matcher = compilePathPattern(path);
  if (typeof matcher === 'string') throw new FaultInputError(`path "${path}" of ${label}: ${matcher}`, 'use a route pattern like /api/** or "*"');
  const methods = body.methods ?? [];
  if (!Array.isArray(methods) || methods.some((m) => typeof m !== 'string' || !/^[A-Za-z]+$/.test(m))) throw new FaultInputError(`methods of ${label} must be a list of HTTP methods`, 'e.g. "methods": ["GET", "POST"]');
  const percent = body.percent ?? 100;
  if (typeof percent !== 'number' || !(percent >= 0 && percent <= 100)) {
    throw new FaultInputError(`percent must be a number from 0 to 100, got ${JSON.stringify(percent)}`, 'percent is how many matching calls the fault applies to; leave it out for all of them');
  }
  return { id, caller, callee, path, methods: (methods as string[]).map((m) => m.toUpperCase()), percent, action: actionOf(body, action, label) };
}

function actionOf(body: Record<string, unknown>, action: (typeof ACTIONS)[number], label: string): FaultAction {
  switch (action) {
    case 'delay':
      return { kind: 'delay', ms: duration('delay', body.delay, label), jitterMs: body.jitter === undefined ? 0 : duration('jitter', body.jitter, label) };
    case 'status': {
      const status = body.status;
      if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) throw new FaultInputError(`status must be an HTTP status code (100..599), got ${JSON.stringify(status)}`, 'e.g. {"status":503}');
      if (body.body !== undefined && typeof body.body !== 'string') throw new FaultInputError(`body of ${label} must be a string`, 'e.g. {"status":503,"body":"maintenance"}');
      return { kind: 'status', status, body: (body.body as string | undefined) ?? null };
    }
    case 'abort':
    case 'drop':
    case 'cut':
      if (body[action] !== true) throw new FaultInputError(`${action} must be true`, `e.g. {"callee":"user","${action}":true}`);
      return { kind: action };
    case 'broker':
      return brokerAction(body.broker, label);
  }
}

function brokerAction(value: unknown, label: string): FaultAction {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new FaultInputError(`broker of ${label} must be an object`, BROKER_EXAMPLE);
  const b = value as Record<string, unknown>;
  checkKeys(b, BROKER_KEYS, 'broker.', label);
  const kinds = BROKER_ACTIONS.filter((key) => b[key] !== undefined && b[key] !== false);
  if (kinds.length !== 1) {
    throw new FaultInputError(kinds.length === 0 ? `the broker fault of ${label} has no action` : `the broker fault of ${label} has ${kinds.length} actions (${kinds.join(', ')})`, `give exactly one of ${BROKER_ACTIONS.join(', ')}; ${BROKER_EXAMPLE}`);
  }
  if (b.topic !== undefined && (typeof b.topic !== 'string' || b.topic === '')) throw new FaultInputError('broker.topic must be a topic name', BROKER_EXAMPLE);
  const topic = (b.topic as string | undefined) ?? '*';
  switch (kinds[0]) {
    case 'down':
      if (b.down !== true) throw new FaultInputError('broker.down must be true', '{"broker":{"down":true}}; remove the rule to bring the broker back');
      return { kind: 'broker-down' };
    case 'produceError': {
      const code = b.produceError;
      if (typeof code !== 'number' || !Number.isInteger(code) || code <= 0 || code > 32767) throw new FaultInputError('broker.produceError must be a Kafka error code (a positive integer)', 'e.g. 6 (NOT_LEADER_OR_FOLLOWER) or 7 (REQUEST_TIMED_OUT)');
      if (b.topic === undefined) throw new FaultInputError('broker.produceError needs broker.topic', '{"broker":{"topic":"orders","produceError":6}}');
      return { kind: 'produce-error', topic, errorCode: code };
    }
    case 'deliveryDelayMs':
      return { kind: 'delivery-delay', topic, ms: duration('broker.deliveryDelayMs', b.deliveryDelayMs, label) };
    default:
      if (typeof b.pauseGroup !== 'string' || b.pauseGroup === '') throw new FaultInputError('broker.pauseGroup must be a consumer group id', '{"broker":{"pauseGroup":"user-orders"}}');
      return { kind: 'pause-group', group: b.pauseGroup };
  }
}

/** Milliseconds from a number or a duration in the config's grammar (`250ms`, `1.5s`, `1m30s`). */
function duration(key: string, value: unknown, label: string): number {
  const ms = typeof value === 'number' || typeof value === 'string' ? parseDuration(value) : undefined;
  if (ms === undefined) throw new FaultInputError(`${key} of ${label} must be milliseconds or a duration, got ${JSON.stringify(value)}`, `e.g. "${key.replace('broker.', '')}": 250 or "1.5s" or "1m30s"`);
  return ms;
}

function checkKeys(value: Record<string, unknown>, known: readonly string[], prefix: string, label: string): void {
  for (const key of Object.keys(value)) {
    if (known.includes(key)) continue;
    const near = suggest(key, known);
    throw new FaultInputError(`unknown key "${prefix}${key}" in ${label}`, near ? `did you mean "${prefix}${near}"?` : `known keys: ${known.join(', ')}`);
  }
}

function checkName(label: string, key: string, name: string, allowed: string[]): void {
  if (allowed.includes(name)) return;
  const close = suggest(name, allowed);
  throw new FaultInputError(`${key} '${name}' of ${label} is not a service`, close ? `did you mean '${close}'?` : `use one of ${allowed.join(', ')}`);
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

import type { FaultRuleInput } from '../core/contracts.js';
import { suggest } from '../util/suggest.js';
import { AdminHttpError } from './http-json.js';

const KEYS = ['id', 'caller', 'callee', 'path', 'methods', 'percent', 'delay', 'jitter', 'status', 'body', 'abort', 'drop', 'cut', 'broker'] as const;
const ACTIONS = ['delay', 'status', 'abort', 'drop', 'cut', 'broker'] as const;
const BROKER_KEYS = ['down', 'topic', 'produceError', 'deliveryDelayMs', 'pauseGroup'] as const;
const BROKER_ACTIONS = ['down', 'produceError', 'deliveryDelayMs', 'pauseGroup'] as const;
const DURATION = /^\s*(\d+(\.\d+)?(ms|s|m|h)\s*)+$/;
const EXAMPLE = 'e.g. {"caller":"shipping","callee":"user","delay":"200ms","percent":50}';

/**
 * Checks the shape of a `POST /faults` body and returns it as a FaultRuleInput:
 * known keys only, exactly one action, percent within 0..100, sensible types.
 * Whether the names exist is the system's concern (setFault says so).
 */
export function parseFaultInput(body: unknown): FaultRuleInput {
  if (body === undefined) throw bad('the request has no body', `send a fault rule as JSON, ${EXAMPLE}`);
  if (!isObject(body)) throw bad('a fault rule must be a JSON object', EXAMPLE);
  checkKeys(body, KEYS, '');
  const rule: FaultRuleInput = {};
  for (const key of ['id', 'caller', 'callee', 'path'] as const) {
    const value = body[key];
    if (value === undefined) continue;
    if (typeof value !== 'string' || value.trim() === '') throw bad(`${key} must be a non-empty string`, key === 'path' ? 'a path pattern as in routes, e.g. "/api/orders/*"' : `a service name, "gateway" or "*"`);
    rule[key] = value;
  }
  if (rule.id !== undefined && !/^[A-Za-z0-9._:-]{1,100}$/.test(rule.id)) throw bad(`id "${rule.id}" has characters that do not fit in a URL path`, 'use letters, digits, ".", "_", ":" or "-"');
  if (body.methods !== undefined) {
    const m = body.methods;
    if (!Array.isArray(m) || m.some((x) => typeof x !== 'string' || !/^[A-Za-z]+$/.test(x))) throw bad('methods must be a list of HTTP methods', 'e.g. "methods": ["GET", "POST"]');
    rule.methods = (m as string[]).map((x) => x.toUpperCase());
  }
  if (body.percent !== undefined) {
    const p = body.percent;
    if (typeof p !== 'number' || !Number.isFinite(p) || p < 0 || p > 100) throw bad(`percent must be a number from 0 to 100, got ${JSON.stringify(p)}`, 'percent is how many matching calls the fault applies to; leave it out for all of them');
    rule.percent = p;
  }

  const actions = ACTIONS.filter((a) => body[a] !== undefined && body[a] !== false);
  if (actions.length === 0) throw bad('the fault rule has no action', `give exactly one of ${ACTIONS.join(', ')}; ${EXAMPLE}`);
  if (actions.length > 1) throw bad(`the fault rule has ${actions.length} actions (${actions.join(', ')})`, 'give exactly one action per rule; add several rules to combine them');
  const action = actions[0]!;
  if (body.jitter !== undefined && action !== 'delay') throw bad('jitter only goes with delay', 'e.g. {"delay":"100ms","jitter":"50ms"}');
  if (body.body !== undefined && action !== 'status') throw bad('body only goes with status', 'e.g. {"status":503,"body":"maintenance"}');

  switch (action) {
    case 'delay':
      rule.delay = duration('delay', body.delay);
      if (body.jitter !== undefined) rule.jitter = duration('jitter', body.jitter);
      break;
    case 'status': {
      const s = body.status;
      if (typeof s !== 'number' || !Number.isInteger(s) || s < 100 || s > 599) throw bad(`status must be an HTTP status code (100..599), got ${JSON.stringify(s)}`, 'e.g. {"status":503}');
      rule.status = s;
      if (body.body !== undefined) {
        if (typeof body.body !== 'string') throw bad('body must be a string', 'e.g. {"status":503,"body":"maintenance"}');
        rule.body = body.body;
      }
      break;
    }
    case 'abort':
    case 'drop':
    case 'cut':
      if (body[action] !== true) throw bad(`${action} must be true`, `e.g. {"callee":"user","${action}":true}`);
      rule[action] = true;
      break;
    case 'broker':
      rule.broker = brokerAction(body.broker);
      if (rule.callee !== undefined && rule.callee !== 'kafka') throw bad(`a broker fault has callee "kafka", not "${rule.callee}"`, 'leave callee out or set it to "kafka"');
      rule.callee = 'kafka';
      break;
  }
  return rule;
}

function brokerAction(value: unknown): NonNullable<FaultRuleInput['broker']> {
  const example = 'e.g. {"broker":{"down":true}} or {"broker":{"topic":"orders","produceError":6}}';
  if (!isObject(value)) throw bad('broker must be an object', example);
  checkKeys(value, BROKER_KEYS, 'broker.');
  const actions = BROKER_ACTIONS.filter((a) => value[a] !== undefined && value[a] !== false);
  if (actions.length !== 1) throw bad(actions.length === 0 ? 'the broker fault has no action' : `the broker fault has ${actions.length} actions (${actions.join(', ')})`, `give exactly one of ${BROKER_ACTIONS.join(', ')}; ${example}`);
  const out: NonNullable<FaultRuleInput['broker']> = {};
  if (value.topic !== undefined) {
    if (typeof value.topic !== 'string' || value.topic === '') throw bad('broker.topic must be a topic name', example);
    out.topic = value.topic;
  }
  switch (actions[0]) {
    case 'down':
      if (value.down !== true) throw bad('broker.down must be true', '{"broker":{"down":true}}; DELETE the rule to bring the broker back');
      out.down = true;
      break;
    case 'produceError': {
      const code = value.produceError;
      if (typeof code !== 'number' || !Number.isInteger(code) || code <= 0 || code > 32767) throw bad('broker.produceError must be a Kafka error code (a positive integer)', 'e.g. 6 (NOT_LEADER_OR_FOLLOWER) or 7 (REQUEST_TIMED_OUT)');
      if (out.topic === undefined) throw bad('broker.produceError needs broker.topic', '{"broker":{"topic":"orders","produceError":6}}');
      out.produceError = code;
      break;
    }
    case 'deliveryDelayMs': {
      const ms = value.deliveryDelayMs;
      if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) throw bad('broker.deliveryDelayMs must be a number of milliseconds', '{"broker":{"topic":"orders","deliveryDelayMs":2000}}');
      out.deliveryDelayMs = ms;
      break;
    }
    case 'pauseGroup':
      if (typeof value.pauseGroup !== 'string' || value.pauseGroup === '') throw bad('broker.pauseGroup must be a consumer group id', '{"broker":{"pauseGroup":"user-orders"}}');
      out.pauseGroup = value.pauseGroup;
      break;
  }
  return out;
}

function duration(key: string, value: unknown): number | string {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  if (typeof value === 'string' && DURATION.test(value)) return value;
  throw bad(`${key} must be milliseconds or a duration, got ${JSON.stringify(value)}`, `e.g. "${key}": 250 or "${key}": "1.5s"`);
}

function checkKeys(value: Record<string, unknown>, known: readonly string[], prefix: string): void {
  for (const key of Object.keys(value)) {
    if (known.includes(key)) continue;
    const near = suggest(key, known);
    throw bad(`unknown key "${prefix}${key}" in the fault rule`, near ? `did you mean "${prefix}${near}"?` : `known keys: ${known.join(', ')}`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function bad(message: string, hint: string): AdminHttpError {
  return new AdminHttpError(400, message, hint);
}

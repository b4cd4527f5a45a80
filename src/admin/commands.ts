import type { IncomingMessage, ServerResponse } from 'node:http';
import { CALL_HEADERS_KEPT, type FaultRuleInput, type ProduceInput, type SystemControl } from '../core/contracts.js';
import type { Store } from '../core/store/index.js';
import { fromControlError } from './control-errors.js';
import { ENDPOINTS } from './endpoints.js';
import { AdminHttpError, readJsonBody, sendJson } from './http-json.js';

const MAX_BODY = 64 * 1024;
/** a produced message's body may be larger than a fault rule's */
const MAX_MESSAGE = 1024 * 1024;

export interface CommandRequest {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  method: string;
  /** the path's segments, decoded */
  parts: string[];
  control: SystemControl;
  store: Store;
}

/**
 * The admin API's commands (services, faults, broker, topics, capture): each calls
 * SystemControl, whose user errors become 4xx answers. Returns false when the path is
 * none of these.
 */
export async function routeCommand(c: CommandRequest): Promise<boolean> {
  const { parts, method } = c;
  const [head, second, third] = parts;
  if (head === 'services' && parts.length === 3 && (third === 'restart' || third === 'stop' || third === 'start')) {
    allow(method, ['POST']);
    await serviceCommand(c, second ?? '', third);
    return true;
  }
  if (head === 'faults' && parts.length <= 2) {
    await faults(c, second);
    return true;
  }
  if (head === 'broker' && parts.length === 2 && (second === 'down' || second === 'up')) {
    allow(method, ['POST']);
    if (second === 'down') sendJson(c.res, 201, await call(() => c.control.brokerDown()));
    else {
      await call(() => c.control.brokerUp());
      sendJson(c.res, 200, { broker: 'up' });
    }
    return true;
  }
  if (head === 'topics' && parts.length === 3 && (third === 'records' || third === 'messages')) {
    allow(method, third === 'records' ? ['GET'] : ['POST']);
    if (third === 'records') await records(c, second ?? '');
    else await produce(c, second ?? '');
    return true;
  }
  if (head === 'capture' && parts.length === 1) {
    await capture(c);
    return true;
  }
  if (head === 'calls' && parts.length === 2) {
    allow(method, ['GET']);
    const headers = await call(() => c.control.callHeaders(second ?? ''));
    if (!headers) throw new AdminHttpError(404, `no call ${second ?? ''} is kept`, `the headers of the last ${CALL_HEADERS_KEPT} calls through the gateway and the mesh are kept; ids are in /events (http.exchange)`);
    sendJson(c.res, 200, headers);
    return true;
  }
  return false;
}

async function serviceCommand(c: CommandRequest, service: string, verb: 'restart' | 'stop' | 'start'): Promise<void> {
  const wait = ['1', 'true', 'yes'].includes(c.url.searchParams.get('wait') ?? '');
  const running = c.control[verb](service);
  if (wait || verb === 'stop') {
    await call(() => running, 409);
    return sendJson(c.res, 200, { service, [verb === 'stop' ? 'stopped' : verb === 'start' ? 'started' : 'restarted']: true });
  }
  // A command rejects an unknown service at once; give that a chance to show before answering 202.
  let failure: unknown;
  let failed = false;
  running.catch((error: unknown) => {
    failure = error;
    failed = true;
  });
  await new Promise<void>((resolve) => setImmediate(resolve));
  if (failed) throw fromControlError(failure, 409);
  sendJson(c.res, 202, { service, [verb === 'start' ? 'starting' : 'restarting']: true });
}

async function faults(c: CommandRequest, id: string | undefined): Promise<void> {
  const { method, control } = c;
  const inForce = () => c.store.getSnapshot().faults;
  if (id === undefined) {
    allow(method, ['GET', 'POST', 'DELETE']);
    if (method === 'GET') return sendJson(c.res, 200, inForce());
    if (method === 'DELETE') {
      await call(() => control.clearFaults());
      return sendJson(c.res, 200, { cleared: true, faults: inForce() });
    }
    // Checked by the one fault validator behind setFault (mesh/faults/fault-input.ts).
    const input = (await readJsonBody(c.req, MAX_BODY)) as FaultRuleInput;
    if (input === undefined) throw new AdminHttpError(400, 'the request has no body', 'send a fault rule as JSON, e.g. {"callee":"user","status":503}');
    return sendJson(c.res, 201, await call(() => control.setFault(input)));
  }
  allow(method, ['GET', 'DELETE']);
  const known = () => inForce().map((f) => f.id);
  if (method === 'GET') {
    const rule = inForce().find((f) => f.id === id);
    if (!rule) throw unknownFault(id, known());
    return sendJson(c.res, 200, rule);
  }
  if (!(await call(() => control.clearFault(id)))) throw unknownFault(id, known());
  sendJson(c.res, 200, { cleared: id });
}

async function records(c: CommandRequest, topic: string): Promise<void> {
  const partition = integer(c.url.searchParams.get('partition') ?? '0', 'partition', 0, 1_000_000);
  const limit = integer(c.url.searchParams.get('limit') ?? '50', 'limit', 1, 1000);
  sendJson(c.res, 200, await call(() => c.control.recentRecords(topic, partition, limit)));
}

async function produce(c: CommandRequest, topic: string): Promise<void> {
  const body = await readJsonBody(c.req, MAX_MESSAGE);
  const example = 'e.g. {"key":"42","value":"{\\"id\\":42}","headers":{"source":"devmode"}}';
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new AdminHttpError(400, 'a message must be a JSON object', example);
  const b = body as Record<string, unknown>;
  for (const key of Object.keys(b)) if (!['partition', 'key', 'value', 'headers'].includes(key)) throw new AdminHttpError(400, `unknown key "${key}" in the message`, 'known keys: partition, key, value, headers');
  const message: ProduceInput = { topic, value: nullableString(b.value, 'value', example) };
  if (b.key !== undefined) message.key = nullableString(b.key, 'key', example);
  if (b.partition !== undefined) {
    if (typeof b.partition !== 'number' || !Number.isInteger(b.partition) || b.partition < 0) throw new AdminHttpError(400, 'partition must be a partition number', 'leave it out to let the key choose');
    message.partition = b.partition;
  }
  if (b.headers !== undefined) {
    const h = b.headers;
    if (typeof h !== 'object' || h === null || Array.isArray(h) || Object.values(h).some((v) => typeof v !== 'string')) throw new AdminHttpError(400, 'headers must be an object of strings', example);
    message.headers = h as Record<string, string>;
  }
  sendJson(c.res, 201, await call(() => c.control.produce(message)));
}

async function capture(c: CommandRequest): Promise<void> {
  const { method, control } = c;
  allow(method, ['GET', 'POST', 'DELETE']);
  if (method === 'GET') return sendJson(c.res, 200, await control.captured());
  const target: { caller?: string; callee?: string } = {};
  const source = method === 'POST' ? ((await readJsonBody(c.req, MAX_BODY)) ?? {}) : Object.fromEntries(c.url.searchParams);
  if (typeof source !== 'object' || Array.isArray(source)) throw new AdminHttpError(400, 'the body must be a JSON object', 'e.g. {"callee":"user"}');
  for (const key of ['caller', 'callee'] as const) {
    const value = (source as Record<string, unknown>)[key];
    if (value === undefined) continue;
    if (typeof value !== 'string') throw new AdminHttpError(400, `'${key}' must be a service name`, 'e.g. {"callee":"user"}');
    target[key] = value;
  }
  if (method === 'POST') {
    await call(() => control.captureOn(target));
    return sendJson(c.res, 201, await control.captured());
  }
  await control.captureOff(Object.keys(target).length > 0 ? target : undefined);
  sendJson(c.res, 200, await control.captured());
}

/** Runs a command; its user errors become the API's answers (`status` when the error names none). */
async function call<T>(run: () => Promise<T>, status = 400): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw fromControlError(error, status);
  }
}

function allow(method: string, methods: readonly string[]): void {
  if (!methods.includes(method)) throw new AdminHttpError(405, `${method} is not allowed here`, `use ${methods.join(' or ')}`, { endpoints: ENDPOINTS });
}

function unknownFault(id: string, known: string[]): AdminHttpError {
  return new AdminHttpError(404, `no fault rule with id "${id}"`, known.length > 0 ? `rules in force: ${known.join(', ')}` : 'no fault rules are in force');
}

function integer(text: string, name: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) throw new AdminHttpError(400, `${name}=${text} is not a number from ${min} to ${max}`, `e.g. ?${name}=${min}`);
  return n;
}

function nullableString(value: unknown, name: string, example: string): string | null {
  if (value === null || typeof value === 'string') return value;
  if (value === undefined && name === 'value') throw new AdminHttpError(400, 'the message has no value', example);
  throw new AdminHttpError(400, `${name} must be a string or null`, `send JSON as a string; ${example}`);
}

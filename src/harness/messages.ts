import type { Message } from './broker-reader.js';

/**
 * What a message must be: a predicate, or a pattern every given field of which must match
 * (`key`, `value` text or RegExp, `headers`, `json`: a partial object compared deeply),
 * which lets a timed-out wait say what differed.
 */
export type MessageMatch = ((message: Message) => boolean) | MessagePattern;

export interface MessagePattern {
  key?: string | RegExp | null;
  value?: string | RegExp;
  headers?: Record<string, string | RegExp>;
  /** a partial object: each given field (deeply) must equal the message's JSON value's */
  json?: unknown;
  partition?: number;
}

/** What `message` does not meet, each said plainly; for a predicate, only whether it failed. */
export function messageDifferences(message: Message, match: MessageMatch | undefined): string[] {
  if (match === undefined) return [];
  if (typeof match === 'function') {
    let ok = false;
    try {
      ok = match(message);
    } catch (error) {
      return [`the predicate threw: ${error instanceof Error ? error.message : String(error)}`];
    }
    return ok ? [] : ['the predicate returned false'];
  }
  const out: string[] = [];
  if (match.partition !== undefined && message.partition !== match.partition) out.push(`partition ${message.partition}, wanted ${match.partition}`);
  if (match.key !== undefined && !textMatches(message.key, match.key)) out.push(`key ${JSON.stringify(message.key)}, wanted ${show(match.key)}`);
  if (match.value !== undefined && !textMatches(message.value, match.value)) out.push(`value did not match ${show(match.value)}`);
  for (const [name, wanted] of Object.entries(match.headers ?? {})) {
    const got = message.headers[name];
    if (got === undefined) out.push(`no header ${name}`);
    else if (!textMatches(got, wanted)) out.push(`header ${name} ${JSON.stringify(got)}, wanted ${show(wanted)}`);
  }
  if (match.json !== undefined) {
    if (message.json === undefined) out.push('the value is not JSON');
    else out.push(...jsonDifferences(message.json, match.json, '$'));
  }
  return out;
}

export function describeMessageMatch(match: MessageMatch | undefined): string {
  if (match === undefined) return 'any message';
  if (typeof match === 'function') return `a message the predicate accepts (${oneLine(match.toString(), 100)})`;
  return `a message like ${oneLine(JSON.stringify(match, (_k, v: unknown) => (v instanceof RegExp ? String(v) : v)), 200)}`;
}

/** `orders[1]@4 key "42": {"id":"o-1",...}` */
export function describeMessage(message: Message): string {
  return `${message.topic}[${message.partition}]@${message.offset} key ${JSON.stringify(message.key)}: ${oneLine(message.json !== undefined ? JSON.stringify(message.json) : String(message.value), 160)}`;
}

function jsonDifferences(actual: unknown, wanted: unknown, at: string): string[] {
  if (wanted instanceof RegExp) return typeof actual === 'string' && wanted.test(actual) ? [] : [`${at} is ${oneLine(JSON.stringify(actual) ?? 'absent', 60)}, wanted ${String(wanted)}`];
  if (wanted !== null && typeof wanted === 'object') {
    if (actual === null || typeof actual !== 'object') return [`${at} is ${oneLine(JSON.stringify(actual) ?? 'absent', 60)}, wanted an object`];
    const out: string[] = [];
    for (const [key, value] of Object.entries(wanted)) out.push(...jsonDifferences((actual as Record<string, unknown>)[key], value, Array.isArray(wanted) ? `${at}[${key}]` : `${at}.${key}`));
    return out;
  }
  return Object.is(actual, wanted) ? [] : [`${at} is ${oneLine(JSON.stringify(actual) ?? 'absent', 60)}, wanted ${JSON.stringify(wanted)}`];
}

function textMatches(actual: string | null, wanted: string | RegExp | null): boolean {
  if (wanted === null || actual === null) return actual === wanted;
  return wanted instanceof RegExp ? wanted.test(actual) : actual === wanted;
}

function show(wanted: string | RegExp | null): string {
  return wanted instanceof RegExp ? String(wanted) : JSON.stringify(wanted);
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

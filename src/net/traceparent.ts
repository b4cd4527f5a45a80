import { randomBytes } from 'node:crypto';

const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;

/**
 * The W3C trace context header for a call: keeps the caller's trace id when it sent one
 * (so a chain of calls and the messages they cause share it) and starts a new span for
 * this hop; starts a new trace otherwise. https://www.w3.org/TR/trace-context/
 */
export function nextTraceparent(incoming: string | string[] | undefined): string {
  const value = Array.isArray(incoming) ? incoming[0] : incoming;
  const match = value ? TRACEPARENT.exec(value) : null;
  const span = randomBytes(8).toString('hex');
  if (match) return `00-${match[1]}-${span}-01`;
  return `00-${randomBytes(16).toString('hex')}-${span}-01`;
}

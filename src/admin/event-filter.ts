import type { DevmodeEvent } from '../core/events/index.js';
import { AdminHttpError } from './http-json.js';

/**
 * Which events a client of `GET /events` wants. Each part that is set must match;
 * within a part, any listed value may match.
 */
export interface EventFilter {
  /** exact types (`log`), or prefixes ending in `.` (`broker.`); empty = all */
  readonly types: readonly string[];
  /** events about these services; empty = all */
  readonly services: readonly string[];
  /** only events with ts >= since (epoch ms), for the replay of recent history */
  readonly since: number | null;
}

const DURATION_UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * Reads `type=`, `service=` (each repeatable or comma separated) and `since=` (epoch ms,
 * an ISO date, or a duration back from now like `30s` or `5m`) from a query string.
 */
export function parseEventFilter(params: URLSearchParams, now: number = Date.now()): EventFilter {
  const list = (name: string) =>
    params
      .getAll(name)
      .flatMap((v) => v.split(','))
      .map((v) => v.trim())
      .filter((v) => v !== '');
  return { types: list('type'), services: list('service'), since: parseSince(params.get('since'), now) };
}

function parseSince(value: string | null, now: number): number | null {
  if (value === null || value.trim() === '') return null;
  const text = value.trim();
  if (/^\d{10,}$/.test(text)) return Number(text);
  const duration = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text);
  if (duration) return now - Number(duration[1]) * (DURATION_UNITS[duration[2] ?? ''] ?? 0);
  if (/^\d{4}-\d{2}-\d{2}/.test(text)) {
    const ts = Date.parse(text);
    if (!Number.isNaN(ts)) return ts;
  }
  throw new AdminHttpError(400, `since=${text} is not a time`, 'use a duration back from now (since=30s, since=5m), epoch milliseconds, or an ISO date');
}

/**
 * Decides event by event. Stateful for one stream: a `ws.closed` carries only the
 * connection id, so the ids of matching `ws.opened` are remembered (bounded) to let the
 * close through too.
 */
export class EventMatcher {
  readonly #filter: EventFilter;
  readonly #openSockets = new Set<string>();

  constructor(filter: EventFilter) {
    this.#filter = filter;
  }

  matches(event: DevmodeEvent): boolean {
    const { types, services, since } = this.#filter;
    if (since !== null && event.ts < since) return false;
    if (types.length > 0 && !types.some((t) => (t.endsWith('.') ? event.type.startsWith(t) : event.type === t))) return false;
    if (services.length === 0) return true;
    if (event.type === 'ws.closed') return this.#openSockets.delete(event.id);
    const about = servicesOf(event);
    const hit = about.some((s) => services.includes(s));
    if (hit && event.type === 'ws.opened') {
      // A stream that never sees the close must not grow without bound.
      if (this.#openSockets.size >= 10_000) this.#openSockets.clear();
      this.#openSockets.add(event.id);
    }
    return hit;
  }
}

/** The services an event is about: its instance, the service reloaded, either end of a call. */
export function servicesOf(event: DevmodeEvent): string[] {
  switch (event.type) {
    case 'instance.state':
    case 'log':
      return [event.ref.service];
    case 'reload.started':
    case 'reload.finished':
    case 'reload.failed':
    case 'build.started':
    case 'build.finished':
    case 'build.failed':
      return [event.service];
    case 'http.exchange':
    case 'ws.opened':
    case 'ws.frame':
      return [event.caller.service, event.callee.service];
    case 'broker.append':
    case 'broker.fetch':
      return event.service ? [event.service] : [];
    case 'system.notice':
      return [event.source];
    default:
      return [];
  }
}

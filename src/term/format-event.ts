import type { DevmodeEvent, InstanceRef } from '../core/events/index.js';
import { paint, serviceColor, stripAnsi, type Style } from './colors.js';
import { clientProblemText } from '../util/client-problem-text.js';
import { terminalSafeDeep } from '../util/terminal-safe.js';

/** Fields that carry a service's output: its colours are kept (the rest is escaped). */
const OUTPUT_FIELDS: ReadonlySet<string> = new Set(['line', 'output', 'message', 'reason']);

/**
 * Turns one event into the line the plain printer shows, or null for events that are
 * not worth a line (per-request traffic, broker appends). Pure: the same event and
 * style always give the same text.
 */
export function formatEvent(untrusted: DevmodeEvent, style: Style, prefixWidth: number): string | null {
  // Per-request events come by the thousand per second and make no line: no copy for them.
  if (SILENT.has(untrusted.type)) return null;
  const line = formatSafe(terminalSafeDeep(untrusted, OUTPUT_FIELDS), style, prefixWidth);
  // Without colours (NO_COLOR, not a terminal) a service's own colours go too: in a build's
  // output, a notice or a reason quoting it, as in its log lines.
  return line === null || style.enabled || !line.includes('\u001b') ? line : stripAnsi(line);
}

function formatSafe(event: DevmodeEvent, style: Style, prefixWidth: number): string | null {
  switch (event.type) {
    case 'log':
      return prefix(style, label(event.ref), event.ref.service, prefixWidth) + (style.enabled ? event.line : stripAnsi(event.line));
    case 'instance.state':
      return prefix(style, label(event.ref), event.ref.service, prefixWidth) + describeState(event, style);
    case 'reload.started':
      return prefix(style, event.service, event.service, prefixWidth) + paint(style, 'yellow', `reloading (because ${event.trigger} changed${event.files > 1 ? `, ${event.files} files` : ''})`);
    case 'reload.finished':
      return prefix(style, event.service, event.service, prefixWidth) + paint(style, 'green', `reloaded in ${Math.round(event.ms)} ms`);
    case 'reload.failed':
      return prefix(style, event.service, event.service, prefixWidth) + paint(style, 'red', `reload failed: ${event.reason}; the previous version keeps serving`);
    case 'build.started':
      return prefix(style, event.service, event.service, prefixWidth) + paint(style, 'gray', 'building');
    case 'build.finished':
      return prefix(style, event.service, event.service, prefixWidth) + paint(style, 'gray', `built in ${Math.round(event.ms)} ms`);
    case 'build.failed': {
      const head = prefix(style, event.service, event.service, prefixWidth) + paint(style, 'red', `build failed (exit ${event.exitCode ?? 'signal'}); ${event.serving ? 'the previous version keeps serving' : 'nothing runs until a build succeeds'}:`);
      const body = event.output
        .trimEnd()
        .split('\n')
        .map((l) => prefix(style, event.service, event.service, prefixWidth) + '  ' + l);
      return [head, ...body].join('\n');
    }
    case 'system.notice': {
      const color = event.level === 'error' ? 'red' : event.level === 'warn' ? 'yellow' : 'gray';
      return prefix(style, event.source, 'devmode', prefixWidth) + paint(style, color, event.message);
    }
    case 'system.ready':
      return prefix(style, 'devmode', 'devmode', prefixWidth) + paint(style, 'green', `ready in ${Math.round(event.ms)} ms: gateway ${event.gatewayUrl}`) + setupNote(event.setup);
    case 'system.stopping':
      return prefix(style, 'devmode', 'devmode', prefixWidth) + `stopping (${event.reason})`;
    case 'broker.started':
      // The reason starts with the mode ("embedded (no Docker engine: ...)"); say it once.
      return prefix(style, 'kafka', 'kafka', prefixWidth) + `${event.mode} broker on ${event.bootstrap} (${event.reason.replace(new RegExp(`^${event.mode} \\((.*)\\)$`), '$1')})`;
    case 'broker.topic.created':
      return prefix(style, 'kafka', 'kafka', prefixWidth) + `topic ${event.topic} created (${event.partitions} partition${event.partitions === 1 ? '' : 's'}${event.auto ? ', auto' : ''})`;
    case 'broker.topic.deleted':
      return prefix(style, 'kafka', 'kafka', prefixWidth) + `topic ${event.topic} deleted`;
    case 'broker.group.rebalanced':
      return prefix(style, 'kafka', 'kafka', prefixWidth) + `group ${event.group} generation ${event.generation}: ${event.members.length} member${event.members.length === 1 ? '' : 's'}`;
    case 'broker.group.member.left':
      return prefix(style, 'kafka', 'kafka', prefixWidth) + `group ${event.group}: member left (${event.reason})`;
    case 'broker.client.error':
      return prefix(style, 'kafka', 'kafka', prefixWidth) + paint(style, 'yellow', clientProblemText(event));
    case 'fault.set':
      return prefix(style, 'fault', 'devmode', prefixWidth) + paint(style, 'yellow', `${event.rule.id} set (${event.rule.source}): ${event.rule.caller} -> ${event.rule.callee} ${event.rule.path}: ${event.rule.action}${event.rule.percent < 100 ? ` (${event.rule.percent}%)` : ''}`);
    case 'fault.cleared':
      return prefix(style, 'fault', 'devmode', prefixWidth) + paint(style, 'gray', `${event.id} cleared`);

    case 'broker.down':
      return prefix(style, 'kafka', 'kafka', prefixWidth) + paint(style, 'yellow', `broker down (${event.reason}): ${event.connectionsClosed} connection${event.connectionsClosed === 1 ? '' : 's'} closed; new ones refused until it is back up`);
    case 'broker.up':
      return prefix(style, 'kafka', 'kafka', prefixWidth) + paint(style, 'green', `broker up again on ${event.bootstrap} after ${seconds(event.downForMs)}`);
    default:
      return null;
  }
}

/** Events that never make a line. */
const SILENT: ReadonlySet<DevmodeEvent['type']> = new Set<DevmodeEvent['type']>([
  'fault.applied',
  'broker.stopped',
  'broker.append',
  'broker.fetch',
  'broker.client.attributed',
  'http.exchange',
  'ws.opened',
  'ws.closed',
  'ws.frame',
]);

function label(ref: InstanceRef): string {
  return `${ref.service}.${ref.instance}`;
}

function prefix(style: Style, text: string, colorKey: string, width: number): string {
  const padded = text.length >= width ? text : text + ' '.repeat(width - text.length);
  const color = colorKey === 'devmode' || colorKey === 'kafka' ? 'gray' : serviceColor(colorKey);
  return paint(style, color, `${padded} |`) + ' ';
}

function describeState(event: Extract<DevmodeEvent, { type: 'instance.state' }>, style: Style): string {
  const detail = event.detail ? `: ${event.detail}` : '';
  switch (event.state) {
    case 'starting':
      if (event.detail) return paint(style, 'yellow', `unhealthy: ${event.detail}`);
      return paint(style, 'gray', `starting${event.pid ? ` (pid ${event.pid}` : ''}${event.port ? `${event.pid ? ', ' : ' ('}port ${event.port}` : ''}${event.pid || event.port ? ')' : ''}`);
    case 'ready':
      return paint(style, 'green', `ready${event.readyInMs !== undefined ? ` in ${Math.round(event.readyInMs)} ms` : ''}`);
    case 'stopping':
      return paint(style, 'gray', 'stopping');
    case 'stopped':
      return paint(style, 'gray', 'stopped');
    case 'exited': {
      const how = event.exit?.signal ? `signal ${event.exit.signal}` : `code ${event.exit?.code ?? '?'}`;
      return paint(style, 'red', `exited (${how})${detail}`);
    }
    case 'backoff':
      return paint(style, 'yellow', `restarting in ${seconds(event.restartInMs)}${detail}`);
    case 'crash-loop':
      return paint(style, 'red', `crash loop: restarting in ${seconds(event.restartInMs)}${detail}`);
  }
}

function seconds(ms: number | undefined): string {
  if (ms === undefined) return '?';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** devmode's own part of a start, after the ready line: what it costs beyond the services' own start. */
function setupNote(setup: { portsMs: number; listenersMs: number; edges: number } | undefined): string {
  if (!setup) return '';
  return ` (devmode's own part: ports ${Math.round(setup.portsMs)} ms, listeners ${Math.round(setup.listenersMs)} ms, ${setup.edges} mesh edge${setup.edges === 1 ? '' : 's'})`;
}

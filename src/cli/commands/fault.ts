import { parseDuration } from '../../config/index.js';
import type { FaultRuleInput, FaultRuleView } from '../../core/contracts.js';
import type { CliIO } from '../io.js';
import { UserError } from '../errors.js';
import { parseFlags } from '../run.js';
import { terminalSafeDeep } from '../../util/terminal-safe.js';
import { adminClientFor, adminFlags } from './wait.js';

const USAGE = `usage:
  devmode fault list
  devmode fault add [--caller S] [--callee S] [--path P] [--method M] [--percent N] [--id ID] ACTION
      ACTION: --delay 200ms [--jitter 50ms] | --status 503 [--body TEXT] | --abort | --drop | --cut
              | --broker-down | --produce-error TOPIC[:CODE] | --delivery-delay TOPIC:DURATION | --pause-group GROUP
  devmode fault clear [ID]        (no ID: every fault)`;

/**
 * `devmode fault list|add|clear`: disturb a running system's traffic on purpose, through
 * its admin API. Rules are the same as devmode.yaml's `faults:`.
 */
export async function fault(args: string[], io: CliIO, signal: AbortSignal): Promise<number> {
  const [verb, ...rest] = args;
  const { values, positionals } = parseFlags({
    args: rest,
    allowPositionals: true,
    options: {
      ...adminFlags,
      caller: { type: 'string' },
      callee: { type: 'string' },
      path: { type: 'string' },
      method: { type: 'string', multiple: true },
      percent: { type: 'string' },
      id: { type: 'string' },
      delay: { type: 'string' },
      jitter: { type: 'string' },
      status: { type: 'string' },
      body: { type: 'string' },
      abort: { type: 'boolean' },
      drop: { type: 'boolean' },
      cut: { type: 'boolean' },
      'broker-down': { type: 'boolean' },
      'produce-error': { type: 'string' },
      'delivery-delay': { type: 'string' },
      'pause-group': { type: 'string' },
    },
  });
  const { client } = await adminClientFor(values, io);
  switch (verb) {
    case 'list': {
      const rules = await client.faults(signal);
      io.stdout.write(rules.length === 0 ? 'no faults\n' : rules.map(describe).join('\n') + '\n');
      return 0;
    }
    case 'add': {
      const input: FaultRuleInput = {};
      if (values.id !== undefined) input.id = values.id;
      if (values.caller !== undefined) input.caller = values.caller;
      if (values.callee !== undefined) input.callee = values.callee;
      if (values.path !== undefined) input.path = values.path;
      if (values.method !== undefined) input.methods = values.method.map((m) => m.toUpperCase());
      if (values.percent !== undefined) input.percent = number('--percent', values.percent);
      if (values.delay !== undefined) input.delay = values.delay;
      if (values.jitter !== undefined) input.jitter = values.jitter;
      if (values.status !== undefined) input.status = number('--status', values.status);
      if (values.body !== undefined) input.body = values.body;
      if (values.abort) input.abort = true;
      if (values.drop) input.drop = true;
      if (values.cut) input.cut = true;
      const broker = brokerAction(values);
      if (broker) {
        input.callee = 'kafka';
        input.broker = broker;
      }
      const rule = await client.setFault(input, signal);
      io.stdout.write(`added ${describe(rule)}\n`);
      return 0;
    }
    case 'clear': {
      if (positionals.length > 1) throw new UserError(USAGE, 2);
      await client.clearFaults(positionals[0], signal);
      io.stdout.write(positionals[0] ? `cleared ${positionals[0]}\n` : 'cleared every fault\n');
      return 0;
    }
    default:
      throw new UserError(verb === undefined ? USAGE : `unknown fault command '${verb}'\n${USAGE}`, 2);
  }
}

function brokerAction(values: { 'broker-down'?: boolean; 'produce-error'?: string; 'delivery-delay'?: string; 'pause-group'?: string }): FaultRuleInput['broker'] | undefined {
  if (values['broker-down']) return { down: true };
  if (values['produce-error'] !== undefined) {
    const [topic, code] = values['produce-error'].split(':');
    return { topic: topic ?? '', produceError: code === undefined ? 7 : number('--produce-error code', code) };
  }
  if (values['delivery-delay'] !== undefined) {
    const [topic, delay] = values['delivery-delay'].split(':');
    if (!topic || !delay) throw new UserError('--delivery-delay takes TOPIC:DURATION, e.g. orders:2s', 2);
    return { topic, deliveryDelayMs: durationMs(delay) };
  }
  if (values['pause-group'] !== undefined) return { pauseGroup: values['pause-group'] };
  return undefined;
}

function number(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n)) throw new UserError(`${flag} must be a number, got '${text}'`, 2);
  return n;
}

/** A duration as devmode.yaml writes them (`2s`, `500ms`, `1m30s`), or plain milliseconds. */
function durationMs(text: string): number {
  const ms = parseDuration(/^\d+(\.\d+)?$/.test(text) ? Number(text) : text);
  if (ms === undefined) throw new UserError(`'${text}' is not a duration (like 500ms, 2s)`, 2);
  return ms;
}

function describe(untrusted: FaultRuleView): string {
  // a rule's path and id may be anything a client of the admin API sent
  const rule = terminalSafeDeep(untrusted);
  const where = `${rule.caller} -> ${rule.callee}${rule.path !== '*' ? ` ${rule.path}` : ''}${rule.methods.length ? ` [${rule.methods.join(',')}]` : ''}`;
  return `${rule.id}: ${rule.action} on ${where}${rule.percent < 100 ? ` (${rule.percent}%)` : ''}, ${rule.hits} hit${rule.hits === 1 ? '' : 's'} (${rule.source})`;
}

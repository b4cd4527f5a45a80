/**
 * Turns a valid raw file into the SystemConfig every part reads: defaults filled (all
 * from defaults.ts), paths absolute, durations and sizes in ms and bytes, deep-frozen.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { asList } from './check-context.js';
import { DEFAULTS } from './defaults.js';
import { FAULT_ACTIONS } from './check-faults.js';
import { dependencyNames } from './graph.js';
import type { RawConfig, RawService } from './schema.js';
import type {
  FaultAction, FaultRule, KafkaConfig, ManagedServiceConfig, ReadinessConfig, RouteConfig, ServiceConfig, SystemConfig,
} from './types.js';
import { parseDuration, parseSize } from './units.js';
import type { ConfigSource } from './yaml-source.js';

type RawRoute = NonNullable<RawService['routes']>[number];
type RawFault = NonNullable<RawConfig['faults']>[number];

/** Builds the config; `raw` must have passed the schema and the semantic checks. */
export function buildConfig(raw: RawConfig, source: ConfigSource, file: string): SystemConfig {
  const root = path.dirname(file);
  const config: SystemConfig = {
    name: raw.name ?? path.basename(root),
    file,
    root,
    services: Object.entries(raw.services).map(([name, service]) => buildService(name, service, root, source)),
    locator: { host: raw.locator?.host ?? DEFAULTS.host, port: raw.locator?.port ?? null },
    gateway: {
      host: raw.gateway?.host ?? DEFAULTS.host,
      port: raw.gateway?.port ?? null,
      waitTimeoutMs: duration(raw.gateway?.wait_timeout, DEFAULTS.gateway.waitTimeoutMs),
      requestTimeoutMs: duration(raw.gateway?.request_timeout, DEFAULTS.gateway.requestTimeoutMs),
    },
    admin: { host: raw.admin?.host ?? DEFAULTS.host, port: raw.admin?.port ?? null },
    kafka: buildKafka(raw.kafka ?? {}, root),
    faults: (raw.faults ?? []).map(buildFault),
    ...(raw.faults_seed !== undefined ? { faultsSeed: raw.faults_seed } : {}),
  };
  return deepFreeze(config);
}

function buildService(name: string, raw: RawService, root: string, source: ConfigSource): ServiceConfig {
  const where = source.locate(['services', name], 'key');
  const position = { file: source.file, line: where.line, col: where.col };
  const routes = (raw.routes ?? []).map(buildRoute);
  if (raw.url !== undefined) return { kind: 'unmanaged', name, url: raw.url, routes, position };
  const cwd = path.resolve(root, raw.cwd ?? '.');
  const dependsOn = dependencyNames(raw);
  const conditions: Record<string, 'ready' | 'started'> = {};
  for (const dep of dependsOn) {
    const condition = Array.isArray(raw.depends_on) ? undefined : raw.depends_on?.[dep]?.condition;
    conditions[dep] = (condition ?? DEFAULTS.service.dependsOnCondition) === 'service_started' ? 'started' : 'ready';
  }
  const service: ManagedServiceConfig = {
    kind: 'managed',
    name,
    routes,
    position,
    command: raw.command ?? '',
    cwd,
    environment: buildEnvironment(raw, root),
    dependsOn,
    dependsOnConditions: conditions,
    instances: raw.instances ?? DEFAULTS.service.instances,
    port: raw.port ?? null,
    readiness: buildReadiness(raw.readiness),
    restart: raw.restart === undefined ? DEFAULTS.service.restart : raw.restart === 'unless-stopped' ? 'always' : raw.restart,
    stopGraceMs: duration(raw.stop_grace_period, DEFAULTS.service.stopGraceMs),
    watch: raw.watch === undefined ? [cwd] : asList(raw.watch).map((p) => path.resolve(cwd, p)),
    ignore: [...DEFAULTS.ignore, ...asList(raw.ignore)],
    build: raw.build ?? null,
    reload: raw.reload ?? DEFAULTS.service.reload,
  };
  return service;
}

/** env_file(s) in order, then `environment` (which wins), all values strings. */
function buildEnvironment(raw: RawService, root: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const file of asList(raw.env_file)) {
    let text: string;
    try {
      text = readFileSync(path.resolve(root, file), 'utf8');
    } catch {
      continue; // reported by the checks unless file checks were turned off
    }
    for (const [key, value] of Object.entries(parseEnv(text))) if (value !== undefined) env[key] = value;
  }
  const environment = raw.environment;
  if (Array.isArray(environment)) {
    for (const entry of environment) {
      const eq = entry.indexOf('=');
      env[entry.slice(0, eq)] = entry.slice(eq + 1);
    }
  } else if (environment) {
    for (const [key, value] of Object.entries(environment)) env[key] = value === null ? '' : String(value);
  }
  return env;
}

function buildReadiness(raw: RawService['readiness']): ReadinessConfig {
  if (raw === 'none') return { kind: 'none' };
  const d = DEFAULTS.service.readiness;
  const timeoutMs = duration(raw?.timeout, d.timeoutMs);
  const intervalMs = duration(raw?.interval, d.intervalMs);
  if (raw?.http !== undefined) return { kind: 'http', path: raw.http, timeoutMs, intervalMs };
  if (raw?.log !== undefined) return { kind: 'log', pattern: new RegExp(raw.log), timeoutMs };
  return { kind: 'tcp', timeoutMs, intervalMs };
}

function buildRoute(raw: RawRoute): RouteConfig {
  if (typeof raw === 'string') return { path: raw, methods: [], stripPrefix: null };
  return { path: raw.path, methods: (raw.methods ?? []).map((m) => m.toUpperCase()), stripPrefix: raw.strip_prefix ?? null };
}

function buildKafka(raw: NonNullable<RawConfig['kafka']>, root: string): KafkaConfig {
  const d = DEFAULTS.kafka;
  const partitions = raw.default_partitions ?? d.defaultPartitions;
  return {
    mode: raw.mode ?? d.mode,
    host: raw.host ?? DEFAULTS.host,
    port: raw.port ?? null,
    brokers: [...asList(raw.brokers)],
    image: raw.image ?? d.image,
    dataDir: raw.persist === true ? path.resolve(root, raw.data_dir ?? d.dataDir) : null,
    autoCreateTopics: raw.auto_create_topics ?? d.autoCreateTopics,
    defaultPartitions: partitions,
    topics: (raw.topics ?? []).map((t) =>
      typeof t === 'string'
        ? { name: t, partitions }
        : { name: t.name, partitions: t.partitions ?? partitions, ...(t.config ? { configs: stringValues(t.config) } : {}) },
    ),
    retentionBytes: raw.retention?.bytes === undefined ? d.retentionBytes : parseSize(raw.retention.bytes) ?? d.retentionBytes,
    retentionMs: duration(raw.retention?.time, d.retentionMs),
    ...(raw.topic_config ? { topicConfig: stringValues(raw.topic_config) } : {}),
  };
}

/** Kafka configs are strings on the wire; YAML gives numbers and booleans too. */
function stringValues(raw: Readonly<Record<string, string | number | boolean>> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw ?? {})) out[k] = String(v);
  return out;
}

function buildFault(raw: RawFault, index: number): FaultRule {
  const d = DEFAULTS.fault;
  return {
    id: raw.id ?? `${d.idPrefix}${index + 1}`,
    caller: raw.caller ?? d.caller,
    callee: raw.callee ?? (raw.broker !== undefined ? 'kafka' : d.callee),
    path: raw.path ?? d.path,
    methods: (raw.methods ?? []).map((m) => m.toUpperCase()),
    percent: raw.percent ?? d.percent,
    action: faultAction(raw),
  };
}

function faultAction(raw: RawFault): FaultAction {
  const kind = FAULT_ACTIONS.find((key) => raw[key] !== undefined);
  switch (kind) {
    case 'delay':
      return { kind: 'delay', ms: duration(raw.delay, 0), jitterMs: duration(raw.jitter, 0) };
    case 'status':
      return { kind: 'status', status: raw.status ?? 503, body: raw.body ?? null };
    case 'abort':
    case 'drop':
    case 'cut':
      return { kind };
    case 'broker':
      return brokerFaultAction(raw.broker ?? {});
    default:
      // Unreachable: the checks reject a rule without exactly one action before building.
      throw new TypeError('fault rule without an action reached buildConfig');
  }
}

function brokerFaultAction(raw: NonNullable<RawFault['broker']>): FaultAction {
  const topic = raw.topic ?? '*';
  if (raw.produce_error !== undefined) return { kind: 'produce-error', topic, errorCode: raw.produce_error };
  if (raw.delivery_delay !== undefined) return { kind: 'delivery-delay', topic, ms: duration(raw.delivery_delay, 0) };
  if (raw.pause_group !== undefined) return { kind: 'pause-group', group: raw.pause_group };
  return { kind: 'broker-down' };
}

function duration(value: string | number | undefined, fallback: number): number {
  return value === undefined ? fallback : parseDuration(value) ?? fallback;
}

/** Freezes objects and arrays all the way down (RegExps are left alone: they are not data). */
export function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || value instanceof RegExp || Object.isFrozen(value)) return value;
  for (const item of Object.values(value)) deepFreeze(item);
  return Object.freeze(value);
}

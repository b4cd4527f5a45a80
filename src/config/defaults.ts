/**
 * Every default of devmode.yaml, in one visible place. build-config.ts reads these and
 * nothing else; docs/config.md documents the same values.
 */

/** Defaults for the whole file. Ports listed here are the "derived" starting points. */
export const DEFAULTS = {
  host: '127.0.0.1',
  locator: { port: 9008 },
  gateway: { port: 9000, waitTimeoutMs: 10_000, requestTimeoutMs: 60_000 },
  admin: { port: 9001 },
  service: {
    instances: 1,
    readiness: { kind: 'tcp', timeoutMs: 30_000, intervalMs: 100 },
    restart: 'on-failure',
    reload: 'swap',
    stopGraceMs: 5_000,
    /** used when a `depends_on` entry names no condition */
    dependsOnCondition: 'service_ready',
  },
  /** Always ignored when watching, whatever `ignore:` says. */
  ignore: ['**/node_modules/**', '**/.git/**', '**/dist/**', '**/build/**', '**/.devmode/**'],
  kafka: {
    mode: 'auto',
    port: 9092,
    image: 'confluentinc/cp-kafka:7.9.1',
    dataDir: '.devmode/kafka',
    autoCreateTopics: true,
    defaultPartitions: 1,
    retentionBytes: 256 * 1024 * 1024,
    retentionMs: 24 * 3_600_000,
  },
  fault: { caller: '*', callee: '*', path: '*', percent: 100, idPrefix: 'fault-' },
} as const;

/** Config file names looked for in the current directory, in order. */
export const CONFIG_FILE_NAMES = ['devmode.yaml', 'devmode.yml'] as const;

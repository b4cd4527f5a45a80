/**
 * The one schema of devmode.yaml. From it come the TypeScript shape of the raw file
 * (`RawConfig`), runtime validation (`Value.Errors` in validate-schema.ts) and the
 * JSON Schema that editors use (schema-export.ts writes schema/devmode.schema.json).
 */
import { Type, type Static } from '@sinclair/typebox';
import { Duration, EXTENSIONS, Host, Methods, Port, Size, StringOrList } from './schema-parts.js';
import { ServiceSchema } from './schema-service.js';

const Listener = (title: string, description: string, defaultPort: number) =>
  Type.Object(
    { host: Type.Optional(Host), port: Type.Optional(Port(`Listen port (default ${defaultPort}, probing past a busy one).`)) },
    { additionalProperties: false, title, description },
  );

const TopicConfig = (description: string) =>
  Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean()]), {
    title: 'config',
    description,
    expected: 'a mapping of Kafka topic config names to values',
  });

const Topic = Type.Union(
  [
    Type.String({ description: 'A topic name (default partitions).' }),
    Type.Object(
      {
        name: Type.String({ title: 'name', description: 'Topic name: letters, digits, ".", "_" and "-", at most 249.' }),
        partitions: Type.Optional(
          Type.Integer({ minimum: 1, title: 'partitions', description: 'Partition count (default: default_partitions).', expected: 'a positive integer' }),
        ),
        config: Type.Optional(TopicConfig("This topic's Kafka configs, e.g. cleanup.policy: compact, retention.ms: 60000.")),
      },
      { additionalProperties: false },
    ),
  ],
  { expected: 'a topic name or a mapping {name, partitions, config}' },
);

const Kafka = Type.Object(
  {
    mode: Type.Optional(
      Type.Union([Type.Literal('auto'), Type.Literal('embedded'), Type.Literal('container'), Type.Literal('external')], {
        title: 'mode',
        description: 'auto (default: container if Docker answers, else embedded), embedded, container or external.',
      }),
    ),
    host: Type.Optional(Host),
    port: Type.Optional(Port('Embedded broker listen port (default 9092, probing past a busy one).')),
    brokers: Type.Optional(
      StringOrList('brokers', 'External mode: bootstrap servers as host:port (required there).'),
    ),
    image: Type.Optional(Type.String({ minLength: 1, title: 'image', description: 'Container mode: the Kafka image (default confluentinc/cp-kafka:7.9.1).' })),
    persist: Type.Optional(Type.Boolean({ title: 'persist', description: 'Keep broker data in data_dir across runs (default false: in memory).' })),
    data_dir: Type.Optional(Type.String({ title: 'data_dir', description: "Where persisted data lives, relative to devmode.yaml's directory (default .devmode/kafka)." })),
    auto_create_topics: Type.Optional(Type.Boolean({ title: 'auto_create_topics', description: 'Create a topic when a client first uses it (default true).' })),
    default_partitions: Type.Optional(
      Type.Integer({ minimum: 1, title: 'default_partitions', description: 'Partitions of auto-created topics (default 1).', expected: 'a positive integer' }),
    ),
    topics: Type.Optional(Type.Array(Topic, { title: 'topics', description: 'Topics created at start: names or {name, partitions}.' })),
    topic_config: Type.Optional(
      TopicConfig('Embedded broker: defaults for every topic, by Kafka topic config name (cleanup.policy, max.message.bytes, segment.ms, ...).'),
    ),
    retention: Type.Optional(
      Type.Object(
        {
          bytes: Type.Optional(Size('Per-partition size limit (default 256MiB).')),
          time: Type.Optional(Duration('Per-partition age limit (default 24h).')),
        },
        { additionalProperties: false, title: 'retention', description: 'When old records are deleted, per partition.' },
      ),
    ),
  },
  { additionalProperties: false, title: 'kafka', description: 'The Kafka broker the services use.' },
);

const Fault = Type.Object(
  {
    id: Type.Optional(Type.String({ minLength: 1, title: 'id', description: 'Name of the rule (default fault-N by position).' })),
    caller: Type.Optional(Type.String({ title: 'caller', description: "Calling service, 'gateway', or '*' (default: any)." })),
    callee: Type.Optional(Type.String({ title: 'callee', description: "Called service or '*' (default: any)." })),
    path: Type.Optional(Type.String({ title: 'path', description: "Path pattern as in routes, or '*' (default)." })),
    methods: Type.Optional(Methods),
    percent: Type.Optional(
      Type.Number({ minimum: 0, maximum: 100, title: 'percent', description: 'Share of matching calls affected, 0-100 (default 100).', expected: 'a number from 0 to 100' }),
    ),
    delay: Type.Optional(Duration('Delay each affected call by this much.')),
    jitter: Type.Optional(Duration('With delay: add a random 0..jitter.')),
    status: Type.Optional(
      Type.Integer({ minimum: 100, maximum: 599, title: 'status', description: 'Answer with this HTTP status instead of calling.', expected: 'an HTTP status from 100 to 599' }),
    ),
    body: Type.Optional(Type.String({ title: 'body', description: 'With status: the response body.' })),
    abort: Type.Optional(Type.Literal(true, { title: 'abort', description: 'Reset the connection.' })),
    drop: Type.Optional(Type.Literal(true, { title: 'drop', description: 'Never answer (the caller times out).' })),
    cut: Type.Optional(Type.Literal(true, { title: 'cut', description: 'Cut the callee off: refuse connections.' })),
    broker: Type.Optional(
      Type.Object(
        {
          down: Type.Optional(Type.Literal(true, { title: 'down', description: 'Take the broker down: close every connection and refuse new ones.' })),
          topic: Type.Optional(Type.String({ minLength: 1, title: 'topic', description: "With produce_error or delivery_delay: the topic, or '*' (default: every topic)." })),
          produce_error: Type.Optional(
            Type.Integer({ minimum: 1, maximum: 32767, title: 'produce_error', description: 'Answer produce requests with this Kafka error code (e.g. 7, REQUEST_TIMED_OUT).', expected: 'a Kafka error code from 1 to 32767' }),
          ),
          delivery_delay: Type.Optional(Duration('Deliver records to consumers this much later.')),
          pause_group: Type.Optional(Type.String({ minLength: 1, title: 'pause_group', description: 'Pause this consumer group: its fetches return nothing, so lag builds.' })),
        },
        {
          additionalProperties: false,
          title: 'broker',
          description: "A broker fault (callee 'kafka'): exactly one of down, produce_error, delivery_delay or pause_group.",
        },
      ),
    ),
  },
  {
    additionalProperties: false,
    title: 'fault',
    description: 'A mesh fault rule: which calls (caller, callee, path, methods, percent) and one action (delay, status, abort, drop, cut, or broker).',
  },
);

/** The whole devmode.yaml file. */
export const ConfigSchema = Type.Object(
  {
    name: Type.Optional(
      Type.String({ minLength: 1, title: 'name', description: "System name (default: the config file's directory name); seeds the derived ports." }),
    ),
    services: Type.Record(Type.String(), ServiceSchema, {
      title: 'services',
      description: 'The services, by name. Names: letters, digits, "-" and "_", starting with a letter.',
    }),
    locator: Type.Optional(Listener('locator', 'The service locator (Lagom-compatible HTTP API).', 9008)),
    gateway: Type.Optional(
      Type.Object(
        {
          host: Type.Optional(Host),
          port: Type.Optional(Port('Listen port (default 9000, probing past a busy one).')),
          wait_timeout: Type.Optional(Duration('How long a request for a starting or reloading service waits before 503 (default 10s).')),
          request_timeout: Type.Optional(Duration('How long a client may take to send a whole request (headers and body) before a 408 (default 60s).')),
        },
        { additionalProperties: false, title: 'gateway', description: 'The one way in from outside.' },
      ),
    ),
    admin: Type.Optional(Listener('admin', 'The admin HTTP API.', 9001)),
    kafka: Type.Optional(Kafka),
    faults: Type.Optional(Type.Array(Fault, { title: 'faults', description: 'Mesh fault rules applied from the start.' })),
    faults_seed: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 4294967295,
        title: 'faults_seed',
        description: 'Seed of the random source of fault percentages and jitter, so a run can be repeated (default: a fixed seed).',
        expected: 'an integer from 0 to 4294967295',
      }),
    ),
  },
  {
    additionalProperties: false,
    patternProperties: EXTENSIONS,
    title: 'devmode.yaml',
    description: 'devmode: run a microservice system locally. See docs/config.md.',
  },
);

/** The raw file as parsed from YAML, after schema validation. */
export type RawConfig = Static<typeof ConfigSchema>;
/** One raw service entry. */
export type RawService = Static<typeof ServiceSchema>;

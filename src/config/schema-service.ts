/** Schema of one entry under `services:`. */
import { Type } from '@sinclair/typebox';
import { Duration, EXTENSIONS, Methods, Port, StringOrList } from './schema-parts.js';

const Route = Type.Union(
  [
    Type.String({ minLength: 1, description: 'A path pattern: /exact, /users/:id, /api/* (one segment), /api/** (the rest).' }),
    Type.Object(
      {
        path: Type.String({ minLength: 1, title: 'path', description: 'Path pattern: /exact, /users/:id, /api/* or /api/**.' }),
        methods: Type.Optional(Methods),
        strip_prefix: Type.Optional(
          Type.String({ title: 'strip_prefix', description: 'Remove this prefix from the path before forwarding (e.g. /api).' }),
        ),
      },
      { additionalProperties: false },
    ),
  ],
  { expected: 'a path pattern string or a mapping {path, methods, strip_prefix}' },
);

const Readiness = Type.Union(
  [
    Type.Literal('none', { description: 'Ready as soon as the process has started.' }),
    Type.Object(
      {
        http: Type.Optional(
          Type.String({ title: 'http', description: 'Ready when GET on this path answers 2xx or 3xx (e.g. /health).' }),
        ),
        tcp: Type.Optional(Type.Boolean({ title: 'tcp', description: 'Ready when the instance accepts TCP connections on its PORT.' })),
        log: Type.Optional(
          Type.String({ title: 'log', description: 'Ready when a line of stdout or stderr matches this regular expression.' }),
        ),
        timeout: Type.Optional(Duration('How long to wait for readiness before reporting a failed start (default 30s).')),
        interval: Type.Optional(Duration('Time between http/tcp probes (default 100ms).')),
      },
      { additionalProperties: false },
    ),
  ],
  {
    title: 'readiness',
    description: 'When an instance counts as ready: exactly one of http, tcp or log, or "none". Default: {tcp: true}.',
    expected: '"none" or a mapping with one of http, tcp or log',
  },
);

const DependsOn = Type.Union(
  [
    Type.Array(Type.String()),
    Type.Record(
      Type.String(),
      Type.Union(
        [
          Type.Object(
            {
              condition: Type.Optional(
                Type.Union([Type.Literal('service_ready'), Type.Literal('service_healthy'), Type.Literal('service_started')], {
                  title: 'condition',
                  description: 'service_ready (default; service_healthy is a synonym) waits for readiness; service_started only for the process.',
                }),
              ),
            },
            { additionalProperties: false },
          ),
          Type.Null(),
        ],
        { expected: 'a mapping {condition: ...} or nothing' },
      ),
    ),
  ],
  {
    title: 'depends_on',
    description: 'Services started (and ready) before this one: a list of names, or {name: {condition}}.',
    expected: 'a list of service names or a mapping {name: {condition}}',
  },
);

/** One service: managed (`command`) or unmanaged (`url`). */
export const ServiceSchema = Type.Object(
  {
    command: Type.Optional(
      Type.Union([Type.String({ minLength: 1 }), Type.Array(Type.String(), { minItems: 1 })], {
        title: 'command',
        description: 'What to run. A string runs through /bin/sh -c; a list is executed directly (no shell).',
        expected: 'a command string or a non-empty list of arguments',
      }),
    ),
    url: Type.Optional(
      Type.String({
        pattern: '^(https?|wss?)://',
        title: 'url',
        description: 'Base URL of a service devmode does not start (unmanaged); routes and peers still reach it.',
        expected: 'an http:// or https:// URL',
      }),
    ),
    cwd: Type.Optional(Type.String({ title: 'cwd', description: "Working directory, relative to devmode.yaml's directory (default: that directory)." })),
    environment: Type.Optional(
      Type.Union(
        [
          Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()], { expected: 'a string, number or boolean' })),
          Type.Array(Type.String({ pattern: '^[^=]+=', expected: 'a "KEY=value" string' })),
        ],
        {
          title: 'environment',
          description: 'Environment variables: a mapping {KEY: value} or a list ["KEY=value"]. Values become strings. Wins over env_file.',
          expected: 'a mapping {KEY: value} or a list of "KEY=value" strings',
        },
      ),
    ),
    env_file: Type.Optional(StringOrList('env_file', "Dotenv file(s), relative to devmode.yaml's directory; later files win.")),
    depends_on: Type.Optional(DependsOn),
    instances: Type.Optional(
      Type.Integer({ minimum: 1, title: 'instances', description: 'How many instances to run (default 1).', expected: 'a positive integer' }),
    ),
    port: Type.Optional(Port('Fixed port of instance 0 (instance i gets port+i). Default: derived from the system and service names.')),
    readiness: Type.Optional(Readiness),
    routes: Type.Optional(
      Type.Array(Route, {
        title: 'routes',
        description: 'Gateway routes to this service; the first match across services (in file order) wins.',
        expected: 'a list of routes',
      }),
    ),
    watch: Type.Optional(StringOrList('watch', 'Paths to watch for hot reload, relative to cwd (default: cwd).')),
    ignore: Type.Optional(
      StringOrList('ignore', 'Extra globs to ignore when watching; node_modules, .git, dist, build and .devmode always are.'),
    ),
    build: Type.Optional(Type.String({ title: 'build', description: 'Shell command run in cwd before each start and reload (e.g. npm run build).' })),
    reload: Type.Optional(
      Type.Union([Type.Literal('swap'), Type.Literal('restart'), Type.Literal('none')], {
        title: 'reload',
        description: 'On change: swap (default; start new, switch, drain old), restart (stop then start), none.',
      }),
    ),
    restart: Type.Optional(
      Type.Union([Type.Literal('on-failure'), Type.Literal('always'), Type.Literal('unless-stopped'), Type.Literal('no')], {
        title: 'restart',
        description: 'Restart policy after an exit: on-failure (default), always (unless-stopped is a synonym), no.',
      }),
    ),
    stop_grace_period: Type.Optional(Duration('Time between SIGTERM and SIGKILL on stop (default 5s).')),
  },
  {
    additionalProperties: false,
    patternProperties: EXTENSIONS,
    title: 'service',
    description: 'A service: `command` (devmode runs it) or `url` (it runs elsewhere).',
  },
);

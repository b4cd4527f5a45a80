/**
 * The corpus of broken config files: each file's diagnostics, exactly (position,
 * severity and message), all reported at once. Hints are checked for a selection below.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseConfigWithWarnings } from '../../../src/config/load.js';
import type { Diagnostic } from '../../../src/config/diagnostic.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const corpus = path.resolve(here, '../../fixtures/config/broken');

function diagnose(name: string): Diagnostic[] {
  const file = path.join(corpus, name);
  // A fixed PATH keeps "command not found" independent of the machine (node is found via process.execPath's dir).
  const result = parseConfigWithWarnings(readFileSync(file, 'utf8'), file, { pathEnv: path.dirname(process.execPath) });
  return result.ok ? [...result.value.warnings] : result.error;
}

const CASES: readonly (readonly [string, readonly string[]])[] = [
  ['01-yaml-syntax.yaml', [
    "4:4 error: YAML syntax: this key is not aligned with the keys above it",
  ]],
  ['02-unknown-keys.yaml', [
    "3:5 error: unknown key 'comand' in service 'order'",
    "6:9 error: unknown key 'metods' in 'routes[0]' of service 'order'",
    "8:3 error: unknown key 'wait_timout' in 'gateway'",
    "9:1 error: unknown key 'kafak' at the top level",
  ]],
  ['03-wrong-types.yaml', [
    "4:16 error: 'instances' must be a positive integer, got \"two\"",
    "5:11 error: 'port' must be a port number from 0 to 65535, got \"8080\"",
    "6:14 error: 'restart' must be one of on-failure, always, unless-stopped, no, got \"nope\"",
    "7:13 error: 'reload' must be one of swap, restart, none, got \"swapp\"",
    "8:24 error: 'stop_grace_period' must be a duration like 500ms, 30s or 2m (a bare number means milliseconds), got \"3 sec\"",
    "10:18 error: 'LOG_LEVEL' must be a string, number or boolean, got a mapping",
  ]],
  ['04-command-or-url.yaml', [
    "2:3 error: service 'neither' has neither 'command' nor 'url'",
    "6:5 error: service 'both' has both 'command' and 'url'",
    "9:5 error: 'instances' has no effect on service 'legacy', which has a 'url'",
    "11:10 error: 'url' must be an http:// or https:// URL, got \"127.0.0.1:7002\"",
  ]],
  ['05-unknown-dependency.yaml', [
    "4:18 error: service 'order' depends on unknown service 'usr'",
    "4:23 error: dependency cycle: order -> shipping -> order",
    "8:7 error: service 'shipping' depends on unknown service 'ordr'",
    "9:26 error: 'condition' must be one of service_ready, service_healthy, service_started, got \"service_hot\"",
  ]],
  ['06-cycle.yaml', [
    "4:18 error: dependency cycle: a -> b -> c -> a",
    "13:18 error: service 'd' depends on itself",
  ]],
  ['07-ports.yaml', [
    "8:11 error: ports 8078-8080 of service 'user' (3 instances) overlap port 8079 of kafka",
    "8:11 error: ports 8078-8080 of service 'user' (3 instances) overlap port 8080 of service 'order'",
    "11:11 error: port 9100 of service 'shipping' is already used by the gateway",
  ]],
  ['08-commands.yaml', [
    "3:14 error: command 'definitely-not-a-command-xyz' of service 'missing' not found",
    "5:15 error: command 'no-such-binary-abc' of service 'missing-argv' not found",
    "7:26 error: command 'no-such-binary-def' of service 'env-prefixed' not found",
    "11:14 error: command './not-exec.sh' of service 'not-executable' is not executable",
    "17:15 error: command './gone.sh' of service 'relative-missing' not found",
  ]],
  ['09-paths.yaml', [
    "4:10 error: cwd 'services/ordr' of service 'order' does not exist",
    "8:40 error: env_file 'services/order/local.env' of service 'user' does not exist",
    "9:13 warning: watch path 'src' of service 'user' does not exist",
  ]],
  ['10-readiness.yaml', [
    "4:22 error: invalid regular expression in 'readiness.log' of service 'regex': unterminated group",
    "9:7 error: readiness of service 'two' has both 'http' and 'log'",
    "12:22 error: 'tcp' in readiness of service 'notcp' can only be true",
    "15:23 error: 'http' must be a path starting with '/', got \"health\"",
    "18:5 error: readiness of service 'empty' names no check",
    "21:16 error: 'readiness' must be \"none\" or a mapping with one of http, tcp or log, got \"never\"",
  ]],
  ['11-durations-sizes.yaml', [
    "6:16 error: 'timeout' must be a duration like 500ms, 30s or 2m (a bare number means milliseconds), got \"3 sec\"",
    "7:17 error: 'interval' must be a duration like 500ms, 30s or 2m (a bare number means milliseconds), got -5",
    "9:17 error: 'wait_timeout' must be a duration like 500ms, 30s or 2m (a bare number means milliseconds), got \"10\"",
    "12:12 error: 'bytes' must be a size like 256MiB or 1GB (a bare number means bytes), got \"12 parsecs\"",
    "13:11 error: 'time' must be a duration like 500ms, 30s or 2m (a bare number means milliseconds), got \"forever\"",
  ]],
  ['12-kafka.yaml', [
    "5:9 error: kafka mode 'external' needs 'brokers'",
    "6:23 error: 'default_partitions' must be a positive integer, got 0",
    "9:13 error: invalid topic name 'bad topic'",
    "11:7 error: topic 'orders' is listed twice",
    "12:7 error: invalid topic name '..'",
    "14:19 error: 'partitions' must be a positive integer, got \"many\"",
  ]],
  ['13-routes.yaml', [
    "5:9 error: invalid route 'api/orders' of service 'order': must start with /",
    "6:9 error: invalid route '/api/**/items' of service 'order': '**' may only be the last segment",
    "7:9 error: invalid route '/api/ord*' of service 'order': 'ord*': '*' must be a whole segment",
    "8:9 error: invalid route '/users/:1d' of service 'order': ':1d' is not a valid :param name",
    "10:24 error: unknown HTTP method 'GRT'",
    "12:23 error: strip_prefix '/v1' is not a prefix of route '/api/orders/**'",
    "15:14 warning: route '/api/orders/**' of service 'user' is already declared by service 'order'",
  ]],
  ['14-faults.yaml', [
    "7:5 error: fault rule 1 has no action",
    "10:5 error: fault rule 2 has both 'delay' and 'abort'",
    "12:13 error: callee 'usr' of fault rule 3 is not a service",
    "15:5 error: 'jitter' needs 'delay' in fault rule 4",
    "18:14 error: 'percent' must be a number from 0 to 100, got 150",
  ]],
  ['15-empty.yaml', [
    "1:1 error: the file is empty",
  ]],
  ['16-comment-only.yaml', [
    "1:1 error: the file is empty",
  ]],
  ['17-services-not-mapping.yaml', [
    "2:1 error: 'services' must be a mapping, got a list",
  ]],
  ['18-service-names.yaml', [
    "2:3 error: invalid service name '1order'",
    "4:3 error: invalid service name 'order service'",
    "6:3 error: service 'ok' is empty",
  ]],
  ['19-compose-habits.yaml', [
    "1:1 error: unknown key 'version' at the top level",
    "4:5 error: unknown key 'image' in service 'order'",
    "6:5 error: unknown key 'ports' in service 'order'",
    "7:5 error: unknown key 'healthcheck' in service 'order'",
    "9:5 error: unknown key 'dependsOn' in service 'order'",
  ]],
  ['20-missing-services.yaml', [
    "1:1 error: missing key 'services' at the top level",
  ]],
  ['21-duplicate-keys.yaml', [
    "4:3 error: duplicate key 'order'",
  ]],
  ['22-extensions-and-merge.yaml', [
    "12:5 error: unknown key 'instancs' in service 'user'",
  ]],
];

describe('broken config corpus', () => {
  it.each(CASES)('%s', (name, expected) => {
    const diagnostics = diagnose(name);
    expect(diagnostics.map((d) => `${d.line}:${d.col} ${d.severity}: ${d.message}`)).toEqual(expected);
    for (const d of diagnostics) expect(d.file).toBe(path.join(corpus, name));
  });

  it('covers at least 15 files, several with more than one mistake', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(15);
    expect(CASES.filter(([, expected]) => expected.length > 1).length).toBeGreaterThanOrEqual(10);
  });

  it.each([
    ['02-unknown-keys.yaml', 'comand', "did you mean 'command'?", 6],
    ['02-unknown-keys.yaml', 'kafak', "did you mean 'kafka'?", 5],
    ['03-wrong-types.yaml', 'port', 'write 8080 without quotes', 6],
    ['03-wrong-types.yaml', "'reload'", "did you mean 'swap'?", 5],
    ['05-unknown-dependency.yaml', "'ordr'", "did you mean 'order'?", 4],
    ['06-cycle.yaml', 'cycle', 'remove one of these depends_on entries', 1],
    ['09-paths.yaml', 'cwd', "did you mean 'services/order'?", 13],
    ['13-routes.yaml', 'GRT', "did you mean 'GET'?", 3],
    ['14-faults.yaml', 'usr', "did you mean 'user'?", 3],
    ['19-compose-habits.yaml', 'healthcheck', "use 'readiness' (http, tcp or log)", 11],
    ['19-compose-habits.yaml', 'dependsOn', "did you mean 'depends_on'?", 9],
    ['21-duplicate-keys.yaml', 'duplicate', 'a key may appear only once in a mapping; merge the two entries', 5],
  ] as const)('%s: %s has hint %j and underlines %i characters', (name, fragment, hint, length) => {
    const found = diagnose(name).find((d) => d.message.includes(fragment));
    expect(found?.hint).toBe(hint);
    expect(found?.length).toBe(length);
  });

  it('underlines only the program of a command line', () => {
    const found = diagnose('08-commands.yaml').find((d) => d.message.includes('no-such-binary-def'));
    const line = readFileSync(path.join(corpus, '08-commands.yaml'), 'utf8').split('\n')[(found?.line ?? 0) - 1] ?? '';
    expect(line.slice((found?.col ?? 0) - 1, (found?.col ?? 0) - 1 + (found?.length ?? 0))).toBe('no-such-binary-def');
  });

  it('skips file checks when asked (checkFiles: false)', () => {
    const file = path.join(corpus, '08-commands.yaml');
    const result = parseConfigWithWarnings(readFileSync(file, 'utf8'), file, { checkFiles: false });
    expect(result.ok).toBe(true);
  });
});

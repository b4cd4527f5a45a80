/**
 * The mistakes outside trials found without a hint (or at the wrong place): each file of
 * test/fixtures/config/broken/23-34 gets one message at the right line and column, with a
 * hint that says what to do. Loaded from disk as devmode does (bytes, so bad UTF-8 shows).
 * And a config far too large is refused at once, a large one with a duplicate key in
 * linear time.
 */
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfigWithWarnings } from '../../../src/config/load.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const corpus = path.resolve(here, '../../fixtures/config/broken');

async function diagnose(file: string): Promise<string[]> {
  const result = await loadConfigWithWarnings(file, { checkFiles: false });
  const diagnostics = result.ok ? result.value.warnings : result.error;
  return diagnostics.map((d) => `${d.line}:${d.col} ${d.message} | ${d.hint ?? '(no hint)'}`);
}

const CASES: readonly (readonly [string, readonly string[]])[] = [
  ['23-tabs.yaml', ['3:1 YAML syntax: a tab indents this line | indent with spaces; YAML does not allow tabs for indentation']],
  ['24-bad-indentation.yaml', ['5:5 YAML syntax: this line is indented deeper than the key above it | indent it like the keys of the mapping it belongs to']],
  ['25-instances-words.yaml', ['4:16 \'instances\' must be a positive integer, got "two" | write the number: instances: 2']],
  ['26-port-range.yaml', [
    "4:11 'port' must be a port number from 0 to 65535, got -1 | a port is 1 to 65535; 0 lets devmode pick any free port, and leaving 'port' out gives a stable port derived from the names",
    "7:11 'port' must be a port number from 0 to 65535, got 70000 | a port is 1 to 65535; 0 lets devmode pick any free port, and leaving 'port' out gives a stable port derived from the names",
  ]],
  ['27-duration-words.yaml', ['4:24 \'stop_grace_period\' must be a duration like 500ms, 30s or 2m (a bare number means milliseconds), got "10 seconds" | write 10s']],
  ['28-unclosed-brace.yaml', ["2:10 YAML syntax: this '{' is never closed | close it with '}' before the next key"]],
  ['29-empty-services.yaml', ["2:1 'services' is empty | declare at least one service under it, e.g. 'web: { command: node server.js }' indented below 'services:'"]],
  ['30-colon-in-command.yaml', ['3:14 YAML syntax: a value containing \': \' reads as a nested mapping | quote the value: command: "echo time: now"']],
  ['31-restart-yes.yaml', ['4:14 \'restart\' must be one of on-failure, always, unless-stopped, no, got "yes" | write \'always\' (or \'on-failure\' to restart only after a crash)']],
  ['32-non-utf8.yaml', ['5:20 the file is not valid UTF-8: byte 0xE9 (in Latin-1 it would be \'é\') | save the file as UTF-8 (most editors offer it in "Save as" or the status bar)']],
  ['33-undefined-alias.yaml', ["5:9 alias '*commn' is not defined | did you mean '*common'?"]],
  ['34-fault-bad-duration.yaml', ['6:12 \'delay\' must be a duration like 500ms, 30s or 2m (a bare number means milliseconds), got "10 sekunden" | write a number and a unit, like 500ms, 10s or 2m']],
];

describe('config messages: location and hint', () => {
  it.each(CASES)('%s', async (name, expected) => {
    expect(await diagnose(path.join(corpus, name))).toEqual(expected);
  });
});

describe('large configs', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'devmode-big-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const services = (n: number, extra = '') => {
    const lines = ['services:'];
    for (let i = 0; i < n; i++) lines.push(`  s${i}:`, '    command: node server.mjs');
    return `${lines.join('\n')}\n${extra}`;
  };

  it('refuses a config of 100,000 services at once (under 2 s), saying why', async () => {
    const file = path.join(dir, 'huge.yaml');
    writeFileSync(file, services(100_000));
    const t0 = performance.now();
    const found = await diagnose(file);
    expect(performance.now() - t0).toBeLessThan(2_000);
    expect(found).toEqual(['1:1 the file is 3.7 MiB; devmode reads config files up to 1 MiB | a system of 100 services takes a few kilobytes: is this the right file?']);
  });

  it('finds a duplicate key among 25,000 services in linear time (the quadratic check took 4.5 s at 20,000)', async () => {
    const timed = async (n: number) => {
      const file = path.join(dir, `dup-${n}.yaml`);
      writeFileSync(file, services(n, '  s5:\n    command: node other.mjs\n'));
      let best = Infinity;
      let found: string[] = [];
      // the best of three: other work on the machine only ever adds time
      for (let i = 0; i < 3; i++) {
        const t0 = performance.now();
        found = await diagnose(file);
        best = Math.min(best, performance.now() - t0);
      }
      return { best, found };
    };
    const small = await timed(5_000);
    const large = await timed(25_000);
    expect(large.found).toEqual(["50002:3 duplicate key 's5' | a key may appear only once in a mapping; merge the two entries"]);
    // five times the services: about five times the time when linear, 25 times when quadratic
    expect(large.best / small.best).toBeLessThan(12);
  }, 60_000);
});

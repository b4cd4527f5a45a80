/**
 * The CLI as a user meets it: config mistakes (exit 2, file:line:col, no stack trace),
 * `devmode test` exit codes and environment, a busy fixed port, unknown commands.
 */
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, FREE_PORTS, REPO, runDevmode, tempProject } from '../helpers/devmode-rig.js';

const WEB = path.join(FIXTURES, 'e2e/web.mjs');
const noStack = (text: string) => expect(text).not.toMatch(/^\s+at .+\(.+:\d+:\d+\)$/m);

describe('devmode CLI', () => {
  it('reports every config mistake with file:line:col and exits 2, for check and up alike', async () => {
    const dir = tempProject({
      'devmode.yaml': `services:
  api:
    comand: node server.js
    depends_on: [dbb]
  db:
    command: node ${WEB}
    instances: two
`,
    });
    for (const args of [['check'], ['up']]) {
      const r = await runDevmode(args, dir);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/devmode\.yaml:3:5: error: unknown key 'comand'.*\n[\s\S]*hint: did you mean 'command'\?/);
      expect(r.stderr).toMatch(/devmode\.yaml:4:18: error: .*'dbb'[\s\S]*did you mean 'db'/);
      expect(r.stderr).toMatch(/devmode\.yaml:7:16: error: .*instances/);
      noStack(r.stderr);
    }
  });

  it('says where to find a config when there is none', async () => {
    const dir = tempProject();
    const r = await runDevmode(['up'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no devmode\.yaml in .*; create one or pass -f FILE/);
    noStack(r.stderr);
  });

  it('names a busy fixed port and its holder', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    try {
      const dir = tempProject({
        'devmode.yaml': `name: busy-${process.pid}
services:
  web: { command: node ${WEB} }
gateway: { port: ${port} }
locator: { port: 0 }
admin: { port: 0 }
kafka: { mode: embedded, port: 0 }
`,
      });
      const r = await runDevmode(['up'], dir);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`port ${port} \\(wanted by the gateway\\) is in use by node \\(pid ${process.pid}\\)`));
      noStack(r.stderr);
    } finally {
      blocker.close();
    }
  });

  it('devmode test runs the command with the system addresses and exits with its code', async () => {
    const dir = tempProject({
      'devmode.yaml': `name: t-${process.pid}
services:
  web:
    command: node ${WEB}
    readiness: { http: /health }
    routes: [{ path: /web/**, strip_prefix: /web }]
${FREE_PORTS}`,
      'check.mjs': `
const r = await fetch(process.env.GATEWAY_URL + '/web/');
const direct = await fetch(process.env.SERVICE_WEB_URL + '/');
console.log('status', r.status, direct.status, process.env.KAFKA_BROKERS, process.env.SERVICE_LOCATOR_URL);
process.exit(Number(process.argv[2]));
`,
    });
    const pass = await runDevmode(['test', '--', 'node', 'check.mjs', '0'], dir);
    expect(pass.code, pass.stderr).toBe(0);
    expect(pass.stdout).toMatch(/status 200 200 127\.0\.0\.1:\d+ http:\/\/127\.0\.0\.1:\d+/);
    const fail = await runDevmode(['test', '--', 'node', 'check.mjs', '3'], dir);
    expect(fail.code).toBe(3);
    const missing = await runDevmode(['test', '--', 'no-such-command-xyz'], dir);
    expect(missing.code).toBe(127);
    expect(missing.stderr).toMatch(/no-such-command-xyz.*not found/);
    noStack(missing.stderr);
  });

  it('devmode test fails with the failing service\'s last lines when the system cannot become ready', async () => {
    const dir = tempProject({
      'devmode.yaml': `name: tf-${process.pid}
services:
  bad:
    command: node ${WEB}
    environment: { CRASH: "1" }
    readiness: { http: /health, timeout: 20s }
${FREE_PORTS}`,
    });
    const r = await runDevmode(['test', '--', 'node', '-e', 'console.log("should not run")'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain('should not run');
    expect(r.stderr).toMatch(/did not become ready[\s\S]*crashing on purpose/);
    noStack(r.stderr);
  });

  it('rejects an unknown command or flag with exit 2', async () => {
    const dir = tempProject();
    const r = await runDevmode(['frobnicate'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown command 'frobnicate'/);
    const f = await runDevmode(['up', '--nope'], dir);
    expect(f.code).toBe(2);
    expect(f.stderr).toMatch(/--nope/);
  });

  it("prints each command's usage for --help (and for devmode help CMD) and exits 0", async () => {
    const dir = tempProject();
    const commands = ['up', 'test', 'check', 'kafka', 'clean', 'status', 'ps', 'wait', 'events', 'logs', 'restart', 'fault'];
    for (const command of commands) {
      const r = await runDevmode([command, '--help'], dir);
      expect(r.code, `${command} --help: ${r.stderr}`).toBe(0);
      const name = command === 'ps' ? 'status' : command;
      expect(r.stdout).toMatch(new RegExp(`^devmode ${name}[: ]`));
      expect(r.stdout).toMatch(new RegExp(`Usage: devmode ${name}`));
    }
    const kafka = await runDevmode(['help', 'kafka'], dir);
    expect(kafka.code).toBe(0);
    expect(kafka.stdout).toMatch(/--data-dir DIR/);
    // after `--`, --help belongs to the command devmode test runs
    expect((await runDevmode(['help', 'nosuch'], dir)).code).toBe(2);
  });

  it('names the Node it runs on in --version, and refuses an old Node in one line', async () => {
    const dir = tempProject();
    const r = await runDevmode(['--version'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(`devmode 0.1.0 (Node ${process.versions.node})`);
    // An old Node, as bin/devmode.js sees it (process.versions.node set before it runs).
    const old = spawnSync(
      process.execPath,
      ['--import', "data:text/javascript,Object.defineProperty(process.versions,'node',{value:'20.20.2'})", path.join(REPO, 'bin/devmode.js'), 'up'],
      { cwd: dir, encoding: 'utf8' },
    );
    expect(old.status).toBe(1);
    expect(old.stderr).toBe('devmode needs Node 22.22 or newer; this is Node 20.20.2\n');
  });
});

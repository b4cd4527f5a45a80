/**
 * The TUI in a real terminal (a pty read through a headless xterm): `devmode up` on the
 * sample, and `devmode ui` attached to a `devmode up --plain`. What a user does: watch the
 * services become ready, see a request in the traffic view and an order's message in the
 * topic view, set a fault from the keyboard and see a call fail, switch to plain output and
 * back, resize, quit with q, and nothing is left behind (or, for ui, the system keeps running).
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { SystemSnapshot } from '../../src/core/contracts.js';
import { devmode, sampleProject } from '../helpers/devmode-rig.js';
import { waitFor, waitForPidsGone, waitForPortFree } from '../helpers/processes.js';
import { devmodeInPty, type PtyTerminal } from '../helpers/pty-terminal.js';

const run = promisify(execFile);
const ENTER = '\r';

async function adminUrl(dir: string): Promise<string> {
  let url = '';
  await waitFor(() => {
    try {
      url = (JSON.parse(readFileSync(path.join(dir, '.devmode/admin.json'), 'utf8')) as { url: string }).url;
      return true;
    } catch {
      return false;
    }
  }, 'the admin record', 30_000);
  return url;
}

async function state(admin: string): Promise<SystemSnapshot> {
  return (await (await fetch(`${admin}/state`)).json()) as SystemSnapshot;
}

/** POST an order with curl; returns the HTTP status. */
async function curlOrder(gateway: string, user = 'ada'): Promise<number> {
  const { stdout } = await run('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '-XPOST', `${gateway}/api/orders`, '-H', 'content-type: application/json', '-d', JSON.stringify({ userId: user, items: [{ sku: 'tea', qty: 2 }] })]);
  return Number(stdout);
}

/** Everything a user does in the TUI, the same for `up` and `ui`. */
async function exercise(t: PtyTerminal, admin: string, pagerOut: string): Promise<void> {
  await t.until(/4\/4 ready/, 45_000);
  expect(t.alternate).toBe(true);
  const s0 = await t.until(/order\s+● ready/);
  expect(s0).toMatch(/user\.0\s+● ready/);
  const { gatewayUrl } = await state(admin);
  expect(s0).toContain(`gateway ${gatewayUrl}`);

  // a request made with curl appears in the traffic view
  expect(await curlOrder(gatewayUrl, 'tui-ada')).toBe(201);
  await t.press('3');
  await t.until(/gateway -> order\.0\s+POST\s+\/api\/orders\s+201/);

  // the order's message appears in the topic view's tail
  await t.press('4');
  await t.until(/key=tui-ada/, 20_000);

  // a fault set from the keyboard makes a curl call fail
  await t.press('1', 'f');
  await t.until('fault * -> order');
  await t.press('e');
  await t.until('answer with status');
  await t.press(ENTER);
  await t.until('status 503: done');
  expect(await curlOrder(gatewayUrl)).toBe(503);
  await t.press('5');
  await t.until(/\* -> order\s+\*\s+status 503/);
  await t.press('X');
  await t.until('no fault rules');
  expect(await curlOrder(gatewayUrl)).toBe(201);

  // plain output (the terminal's own screen and scrollback) and back
  await t.press('s');
  await t.until(() => !t.alternate);
  await t.until('devmode: plain output');
  expect(t.normalText()).toMatch(/order\.0\s*\|/);
  await t.press('s');
  await t.until(() => t.alternate);
  await t.until('1 Services');

  // the current view (the whole merged log) in $PAGER, then back
  await t.press('2', 'v');
  await t.until(() => t.alternate);
  await waitFor(() => existsSync(pagerOut) && /order\.0 \| order#0 listening on/.test(readFileSync(pagerOut, 'utf8')), 'the pager to get the log', 10_000);
  await t.until(/all services\s+following/);

  // a resize: the screen is laid out again for 80x24
  t.resize(80, 24);
  await t.until(() => {
    const lines = t.screen().split('\n');
    return lines.length === 24 && /help q quit/.test(lines[23] ?? '') && /1 Services/.test(lines[2] ?? '');
  });
}

describe('the TUI in a terminal', () => {
  it('devmode up: services ready, traffic, topics, a fault from the keyboard, plain output and back, a resize; q leaves nothing behind', async () => {
    const dir = sampleProject();
    const pagerOut = path.join(dir, 'pager.txt');
    const t = devmodeInPty(['up'], dir, undefined, { PAGER: `cat > ${pagerOut} <` });
    const admin = await adminUrl(dir);
    await exercise(t, admin, pagerOut);
    // its own TUI (a child attached to its own admin API) reads as the system's, not "attached to"
    expect(t.screen()).toMatch(/4\/4 ready\s+\S+ req\/s\s+\d+ errors?/);
    expect(t.screen()).not.toContain('attached');
    const before = await state(admin);
    const pids = before.services.flatMap((s) => s.instances.map((i) => i.pid)).filter((p): p is number => p !== null);
    const ports = [...before.services.flatMap((s) => s.instances.map((i) => i.port)), Number(new URL(before.gatewayUrl).port), Number(new URL(admin).port)].filter((p): p is number => p !== null);
    expect(pids).toHaveLength(4);
    await t.press('q');
    const exit = await t.exited;
    expect(exit.exitCode, t.raw.slice(-2000)).toBe(0);
    // the terminal is given back: normal screen
    expect(t.alternate).toBe(false);
    await waitForPidsGone(pids, 15_000);
    for (const port of ports) await waitForPortFree(port);
  });

  it('devmode ui attached to devmode up --plain: the same, and q leaves that devmode running', async () => {
    const dir = sampleProject();
    const dm = devmode(['up', '--plain'], dir);
    await dm.ready(45_000);
    const admin = await adminUrl(dir);
    const pagerOut = path.join(dir, 'pager.txt');
    const t = devmodeInPty(['ui', '--admin', admin], dir, undefined, { PAGER: `cat > ${pagerOut} <` });
    await exercise(t, admin, pagerOut);
    await t.until(`attached to ${admin}`);
    await t.press('q');
    const exit = await t.exited;
    expect(exit.exitCode, t.raw.slice(-2000)).toBe(0);
    expect(t.alternate).toBe(false);
    // the system it was attached to still runs and serves
    const after = await state(admin);
    expect(after.services.every((s) => s.instances.every((i) => i.state === 'ready'))).toBe(true);
    expect(await curlOrder(after.gatewayUrl)).toBe(201);
    dm.signal('SIGINT');
    expect((await dm.exited).code).toBe(0);
  });
});

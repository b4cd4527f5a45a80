/**
 * TUI benchmark (see README.md): the same system under `devmode up --plain` and under
 * `devmode up` with the TUI, each in a real pseudo-terminal, one after the other in one run:
 *
 *  (a) 5,000 req/s through the gateway while a service prints 20,000 log lines/s: devmode's
 *      own CPU (% of a core) on each leg (the TUI showing the Logs view, following, no key
 *      pressed); then, on the TUI leg, key-to-screen latency (a key that switches views,
 *      until the headless terminal shows that view) p50/p99, with the CPU meanwhile;
 *  (b) logs quiet, 1,000 req/s service to service, straight to the callee and through the
 *      caller's mesh edge in interleaved slices (4 x 1.25 s each): the mesh's added latency
 *      (p50/p99 mesh minus direct) on each leg.
 *
 *   node --import tsx test/bench/tui.ts [--seconds 10] [--rate 5000] [--lines 20000]
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { spawn, type IPty } from 'node-pty';
import xterm from '@xterm/headless';
import { commandOf, cpuSecondsOf, descendantsOf } from './lib/footprint-proc.js';
import { FixedRateLoad, mergeWindows, percentiles, runFixedRate, type LoadWindow } from './lib/mesh-load.js';
import { adminUrlOf, instancesOf, systemState } from './lib/mesh-admin.js';
import { loadAverage, table } from './lib/startup-stats.js';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '10' }, rate: { type: 'string', default: '5000' }, lines: { type: 'string', default: '20000' } } });
const SECONDS = Number(values.seconds);
const RATE = Number(values.rate);
const LINES = Number(values.lines);
const DEVMODE = fileURLToPath(new URL('../../bin/devmode.js', import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`./lib/${name}.mjs`, import.meta.url));

function configYaml(name: string, dir: string): string {
  const service = (file: string, routes: string[], env: Record<string, string> = {}) => ({ command: [process.execPath, fixture(file)], cwd: dir, readiness: { http: '/health' }, routes, reload: 'none', environment: env });
  return JSON.stringify({
    name,
    services: { backend: service('mesh-backend', ['/hello']), caller: service('mesh-caller', []), noisy: { ...service('tui-noisy', ['/rate']), environment: { LINES_PER_SEC: String(LINES) } } },
    gateway: { port: 0 },
    locator: { port: 0 },
    admin: { port: 0 },
    kafka: { mode: 'embedded', port: 0 },
  }, null, 2);
}

interface Leg {
  name: 'plain' | 'tui';
  cpuPercent: number;
  /** of which the `devmode up` process, and the TUI's (`devmode ui`) */
  upPercent: number;
  uiPercent: number;
  /** devmode's CPU (both processes) while keys switched views about six times a second */
  keysCpuPercent: number;
  sent: number;
  keyMs: number[];
  direct: ReturnType<typeof percentiles>;
  mesh: ReturnType<typeof percentiles>;
}

async function runLeg(name: Leg['name']): Promise<Leg> {
  const dir = await mkdtemp(path.join(tmpdir(), `devmode-bench-tui-${name}-`));
  await writeFile(path.join(dir, 'devmode.yaml'), configYaml(`bench-tui-${name}-${process.pid}`, dir));
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && k !== 'CI') env[k] = v;
  const term = new xterm.Terminal({ cols: 120, rows: 40, allowProposedApi: true });
  const pty: IPty = spawn(process.execPath, [DEVMODE, 'up', ...(name === 'plain' ? ['--plain'] : [])], { name: 'xterm-256color', cols: 120, rows: 40, cwd: dir, env: { ...env, TERM: 'xterm-256color' } });
  let bytes = 0;
  pty.onData((d) => {
    bytes += d.length;
    // The plain leg's output is only counted (a terminal would draw it; the bench does not parse 20k lines/s).
    if (name === 'tui') term.write(d);
  });
  const exited = new Promise<void>((r) => pty.onExit(() => r()));
  try {
    const admin = await adminUrlOf(dir, pty.pid);
    let state = await systemState(admin);
    for (let i = 0; i < 200 && !state.services.every((s) => s.instances.every((x) => x.state === 'ready')); i++) {
      await sleep(100);
      state = await systemState(admin);
    }
    const gateway = state.gatewayUrl;
    const caller = instancesOf(state, 'caller')[0]!;
    const backend = instancesOf(state, 'backend')[0]!;
    const meshUrl = ((await (await fetch(`${caller.url}/peer`)).json()) as { url: string }).url;
    await runFixedRate({ origin: gateway, rate: 500, next: () => ({ method: 'GET', path: '/hello' }) }, 1);

    // (a) gateway load + noisy logs; CPU; key-to-screen on the TUI
    const load = new FixedRateLoad({ origin: gateway, rate: RATE, next: () => ({ method: 'GET', path: '/hello' }) });
    load.start();
    await sleep(1000);
    // devmode's own CPU: the up process, and on the TUI leg its `devmode ui` child (the TUI's process)
    const uiPids = descendantsOf(pty.pid).filter((p) => / ui --admin /.test(commandOf(p)));
    const cpuOf = (pids: number[]) => pids.reduce((n, p) => n + cpuSecondsOf(p), 0);
    // CPU: on the TUI leg in the Logs view (every frame a new screen at 20k lines/s: the worst
    // case), no key pressed; keys are timed in a window of their own after it, as a user who
    // reads a screen presses a few keys, not seven a second for ten seconds.
    if (name === 'tui') await keyToScreen(pty, term, '2', /noisy\.0\s*│/);
    const cpuBefore = cpuOf([pty.pid]);
    const uiBefore = cpuOf(uiPids);
    const t0 = performance.now();
    await sleep(SECONDS * 1000);
    const elapsed = (performance.now() - t0) / 1000;
    const upPercent = ((cpuOf([pty.pid]) - cpuBefore) / elapsed) * 100;
    const uiPercent = ((cpuOf(uiPids) - uiBefore) / elapsed) * 100;
    const cpuPercent = upPercent + uiPercent;
    const keyMs: number[] = [];
    let keysCpuPercent = NaN;
    if (name === 'tui') {
      const k0 = performance.now();
      const kCpu = cpuOf([pty.pid, ...uiPids]);
      const views: [string, RegExp][] = [['1', /SERVICE\s+STATE/], ['2', /noisy\.0\s*│/]];
      for (let i = 0; performance.now() - k0 < SECONDS * 1000; i++) {
        const [key, shows] = views[i % 2]!;
        keyMs.push(await keyToScreen(pty, term, key, shows));
        await sleep(150);
      }
      keysCpuPercent = ((cpuOf([pty.pid, ...uiPids]) - kCpu) / ((performance.now() - k0) / 1000)) * 100;
    }
    const window = await load.stop();
    // (b) quiet logs, 1k req/s direct vs through the mesh edge
    await fetch(`${gateway}/rate?n=0`);
    await sleep(500);
    // In interleaved slices (as mesh.ts does), so a slow spell of the machine falls on both legs.
    const at1k = (origin: string) => runFixedRate({ origin, rate: 1000, next: () => ({ method: 'GET', path: '/hello' }) }, 1.25);
    const directWindows: LoadWindow[] = [];
    const meshWindows: LoadWindow[] = [];
    for (let slice = 0; slice < 4; slice++) {
      directWindows.push(await at1k(new URL(backend.url).origin));
      meshWindows.push(await at1k(new URL(meshUrl).origin));
    }
    const direct = percentiles(mergeWindows(directWindows).latenciesMs);
    const mesh = percentiles(mergeWindows(meshWindows).latenciesMs);
    console.log(`${name}: ${window.latenciesMs.length} gateway requests answered (${window.errors} errors, ${window.badStatus} bad), ${(bytes / 1e6).toFixed(1)} MB to the terminal`);
    return { name, cpuPercent, upPercent, uiPercent, keysCpuPercent, sent: window.latenciesMs.length, keyMs, direct, mesh };
  } finally {
    pty.write(name === 'tui' ? 'q' : '\u0003');
    await Promise.race([exited, sleep(20_000)]);
    try {
      process.kill(-pty.pid, 'SIGKILL');
    } catch {
      // gone
    }
    term.dispose();
  }
}

/** ms from writing `key` until the screen matches `shows` (checked after each chunk the terminal parsed). */
function keyToScreen(pty: IPty, term: InstanceType<typeof xterm.Terminal>, key: string, shows: RegExp): Promise<number> {
  return new Promise((resolve, reject) => {
    const screen = () => {
      const b = term.buffer.active;
      let s = '';
      for (let i = 0; i < term.rows; i++) s += (b.getLine(b.viewportY + i)?.translateToString(true) ?? '') + '\n';
      return s;
    };
    const start = performance.now();
    const timer = setTimeout(() => {
      off.dispose();
      reject(new Error(`key ${key} did not show ${shows} within 5 s:\n${screen()}`));
    }, 5000);
    const off = term.onWriteParsed(() => {
      if (!shows.test(screen())) return;
      clearTimeout(timer);
      off.dispose();
      resolve(performance.now() - start);
    });
    pty.write(key);
  });
}

const f = (n: number, d = 2) => (Number.isFinite(n) ? n.toFixed(d) : '-');
console.log(`tui bench: ${process.version}; ${RATE} req/s through the gateway + ${LINES} log lines/s for ${SECONDS}s per leg; load average at start ${loadAverage()}`);
const plain = await runLeg('plain');
const tui = await runLeg('tui');
const keys = percentiles(tui.keyMs);
console.log(`\nload average at end ${loadAverage()}\n`);
console.log(table(['leg', 'devmode CPU (% of a core)', 'of which up / TUI', 'gateway req answered', 'mesh added p50 (ms)', 'mesh added p99 (ms)', 'direct p99', 'mesh p99'], [plain, tui].map((l) => [l.name, f(l.cpuPercent, 0), `${f(l.upPercent, 0)} / ${f(l.uiPercent, 0)}`, String(l.sent), f(l.mesh.p50 - l.direct.p50, 3), f(l.mesh.p99 - l.direct.p99, 3), f(l.direct.p99, 3), f(l.mesh.p99, 3)])));
console.log(`\nkey-to-screen on the TUI leg (${keys.n} keys): p50 ${f(keys.p50)} ms, p99 ${f(keys.p99)} ms, max ${f(keys.max)} ms   (target p99 < 100 ms); devmode's CPU meanwhile ${f(tui.keysCpuPercent, 0)} % of a core`);
console.log(`devmode CPU, TUI minus plain: ${f(tui.cpuPercent - plain.cpuPercent, 0)} % of a core   (target <= 25)`);
console.log(`mesh added latency p99 with the TUI open: ${f(tui.mesh.p99 - tui.direct.p99, 3)} ms   (target < 1 ms)`);
process.exit(0);

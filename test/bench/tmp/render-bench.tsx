// temporary: CPU of the TUI drawing a Store fed 20k log lines/s (not committed)
import { PassThrough } from 'node:stream';
import { render } from 'ink';
import { Bus } from '../../../src/core/bus.js';
import { EventStore } from '../../../src/core/store/index.js';
import { App } from '../../../src/tui/components/App.js';
import { TuiController } from '../../../src/tui/state/controller.js';
process.env.NODE_ENV = 'production';
const bus = new Bus();
const store = new EventStore({ bus, name: 'bench', declared: [{ name: 'noisy', kind: 'managed', instances: 1 }, { name: 'backend', kind: 'managed', instances: 1 }], pollMs: 0 });
const stdout = Object.assign(new PassThrough(), { isTTY: true, columns: 120, rows: 40 });
let bytes = 0; stdout.on('data', (d) => (bytes += d.length));
const stdin = Object.assign(new PassThrough(), { isTTY: true, setRawMode() {}, ref() {}, unref() {} });
let renders = 0; let renderMs = 0;
const controller = new TuiController({ store, control: {} as never });
const ink = process.argv[2] === 'none' ? { unmount() {} } : render(<App controller={controller} />, { stdout: stdout as never, stdin: stdin as never, exitOnCtrlC: false, patchConsole: false, maxFps: 30, incrementalRendering: true, onRender: ({ renderTime }) => { renders++; renderMs += renderTime; } });
const view = process.argv[2] ?? '2';
setTimeout(() => stdin.write(view), 200);
let n = 0;
const feed = setInterval(() => {
  for (let i = 0; i < 200; i++) bus.publish({ type: 'log', ref: { service: 'noisy', instance: 0 }, stream: 'stdout', line: `line ${n++} GET /hello 200 ${'x'.repeat(n % 60)} done in ${(n % 97) / 10} ms`, ts: Date.now() });
}, 10);
await new Promise((r) => setTimeout(r, 1000));
renders = 0; renderMs = 0; const c0 = process.cpuUsage(); const t0 = performance.now(); const b0 = bytes;
await new Promise((r) => setTimeout(r, 6000));
const c = process.cpuUsage(c0); const dt = (performance.now() - t0) / 1000;
console.log(`view ${view}: CPU ${(((c.user + c.system) / 1e6 / dt) * 100).toFixed(1)}% of a core, ${(((bytes - b0) / dt) / 1024).toFixed(0)} KiB/s to the terminal, lines ${n}, renders ${renders} (${(renderMs / Math.max(1, renders)).toFixed(2)} ms output each)`);
clearInterval(feed); ink.unmount(); controller.close(); store.close(); process.exit(0);

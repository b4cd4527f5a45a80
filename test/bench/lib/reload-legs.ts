/**
 * The two ways of running order for the reload benchmark: (a) the whole sample system
 * under `devmode up` (load through the gateway), (b) order alone under `node --watch`
 * with the environment devmode would give it and devmode's broker run standalone (load
 * straight to its port). Each records its output lines, stamped on arrival.
 */
import path from 'node:path';
import { allocatePort } from '../../../src/net/ports.js';
import type { Milestone } from './reload-measure.js';
import type { SampleCopy } from './reload-sample.js';
import { DEVMODE_BIN, writeBenchConfig } from './startup-config.js';
import { DevmodeUp } from './startup-devmode.js';
import { waitAll } from './startup-probe.js';
import { GroupProcess, type Reaper, type StampedLine } from './startup-procs.js';

export interface RunningLeg {
  /** the URL the load is sent to */
  url: string;
  lines: StampedLine[];
  milestones: Milestone[];
  stop(): Promise<void>;
}

const ROUTE = '/api/orders';

/** devmode up on a config whose services run from the copy; milestones from its printed events. */
export async function startDevmodeLeg(options: { dir: string; copy: SampleCopy; reaper: Reaper }): Promise<RunningLeg> {
  const bench = await writeBenchConfig({ dir: options.dir, name: 'shop-bench-reload', sampleRoot: options.copy.root });
  const up = new DevmodeUp({ file: bench.file, cwd: options.dir, reaper: options.reaper });
  const lines: StampedLine[] = [];
  up.onLine((line) => lines.push(line));
  try {
    const run = await up.ready;
    return {
      url: `${run.gatewayUrl}${ROUTE}`,
      lines,
      milestones: [
        { name: 'reloading', pattern: /^order\s+\| reloading \(because/ },
        { name: 'new listening', pattern: /^order\.0\s+\| .*listening on http/ },
        { name: 'new ready', pattern: /^order\.0\s+\| ready/ },
        { name: 'reloaded', pattern: /^order\s+\| reloaded in/ },
      ],
      stop: () => up.stop(),
    };
  } catch (error) {
    await up.stop();
    throw error;
  }
}

/** `node --watch server.mjs` in the copy's order directory, plus a standalone broker. */
export async function startWatchLeg(options: { copy: SampleCopy; reaper: Reaper }): Promise<RunningLeg> {
  const reserved = new Set<number>();
  const kafkaPort = await allocatePort({ preferred: 0, fixed: false, reserved });
  const port = await allocatePort({ preferred: 0, fixed: false, reserved });
  const lines: StampedLine[] = [];
  const broker = options.reaper.track(
    new GroupProcess({ command: process.execPath, args: [DEVMODE_BIN, 'kafka', '--port', String(kafkaPort), '--partitions', '2'] }),
  );
  const env = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    SERVICE_NAME: 'order',
    SERVICE_INSTANCE: '0',
    KAFKA_BROKERS: `127.0.0.1:${kafkaPort}`,
    CLUSTER_PEERS: '',
  };
  const order = options.reaper.track(
    new GroupProcess({
      command: process.execPath,
      args: ['--watch', 'server.mjs'],
      cwd: path.dirname(options.copy.orderFile),
      env,
      onLine: (line) => lines.push(line),
    }),
  );
  const stop = async () => {
    await order.stop({ signal: 'SIGTERM', group: true });
    await broker.stop({ signal: 'SIGTERM', group: true });
  };
  try {
    await waitAll([{ kind: 'tcp', port: kafkaPort }, { kind: 'http', port, path: '/health' }], { intervalMs: 50, timeoutMs: 20_000 });
  } catch (error) {
    await stop();
    throw new Error(`node --watch leg did not start: ${(error as Error).message}\n${order.recentLines.join('\n')}`);
  }
  return {
    url: `http://127.0.0.1:${port}${ROUTE}`,
    lines,
    milestones: [
      { name: 'restarting', pattern: /^Restarting 'server\.mjs'/ },
      { name: 'listening', pattern: /listening on http/ },
    ],
    stop,
  };
}

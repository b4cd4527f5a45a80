import { createServer, type Server } from 'node:net';
import { execa } from 'execa';
import { expect, onTestFinished, test } from 'vitest';
import { allocatePort, DERIVED_PORT_MAX, DERIVED_PORT_MIN, isPortFree, PortInUseError } from '../../../src/net/ports.js';
import { findPortHolder, portHolderFromProc } from '../../../src/net/port-holder.js';
import { waitFor } from '../../helpers/processes.js';
import { env, fixtures } from './_rig.js';

/** Listens on an OS-chosen port in this process; closed at the end of the test. */
async function occupy(port = 0): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const address = server.address();
  return typeof address === 'object' && address ? address.port : 0;
}

/** Occupies a port in the derived range, where probing happens (a random one that is free). */
async function occupyDerived(): Promise<number> {
  for (;;) {
    const port = DERIVED_PORT_MIN + Math.floor(Math.random() * (DERIVED_PORT_MAX - DERIVED_PORT_MIN - 100));
    if (await isPortFree(port)) return occupy(port);
  }
}

test('a busy derived port is probed past, skipping ports handed out in this run', async () => {
  const busy = await occupyDerived();
  const reserved = new Set([busy + 1]);
  const port = await allocatePort({ preferred: busy, fixed: false, reserved });
  expect(port).toBeGreaterThan(busy + 1);
  expect(reserved.has(port)).toBe(true);
  // a free derived port is taken as is
  expect(await allocatePort({ preferred: port, fixed: false })).toBe(port);
});

test('port 0 asks the OS, and two allocations in one run differ', async () => {
  const reserved = new Set<number>();
  const a = await allocatePort({ preferred: 0, fixed: false, reserved });
  const b = await allocatePort({ preferred: 0, fixed: false, reserved });
  expect(a).toBeGreaterThan(0);
  expect(a).not.toBe(b);
});

test('a busy fixed port is one error naming the port and the process holding it', async () => {
  const port = await allocatePort({ preferred: 0, fixed: false });
  const holder = execa(process.execPath, [`${fixtures}tcp-listen.mjs`], { env: env({ PORT: port }), extendEnv: false, reject: false });
  onTestFinished(() => {
    holder.kill('SIGKILL');
  });
  await waitFor(async () => !(await isPortFree(port)), `the holder to listen on ${port}`, 30_000);
  const error = await allocatePort({ preferred: port, fixed: true, wanted: 'service order' }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(PortInUseError);
  expect((error as Error).message).toBe(
    `port ${port} (wanted by service order) is in use by node (pid ${holder.pid}); stop it or choose another port in devmode.yaml`,
  );
  expect((error as PortInUseError).code).toBe('E_PORT_IN_USE');
});

test('a fixed port given twice in one run is an error too; a free fixed port is taken', async () => {
  const port = await allocatePort({ preferred: 0, fixed: false });
  const reserved = new Set<number>();
  expect(await allocatePort({ preferred: port, fixed: true, reserved })).toBe(port);
  await expect(allocatePort({ preferred: port, fixed: true, reserved })).rejects.toThrow(`port ${port} is in use by another listener of this system`);
});

test('the holder is found by lsof and by /proc alone', async () => {
  const port = await occupy();
  expect(await findPortHolder(port)).toMatchObject({ pid: process.pid });
  expect(await portHolderFromProc(port)).toMatchObject({ pid: process.pid });
  const free = await allocatePort({ preferred: 0, fixed: false });
  expect(await findPortHolder(free)).toBeNull();
});

import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { engineHint, NO_ENGINE_CONFIGURED, type HintSources } from '../../../src/broker/modes/docker-hints.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/no-engine-configured.ts', import.meta.url));
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A home and a file-system root of their own, both empty. */
async function emptyMachine(platform: NodeJS.Platform = 'linux'): Promise<HintSources> {
  const dir = await mkdtemp(path.join(tmpdir(), 'devmode-hints-'));
  dirs.push(dir);
  await mkdir(path.join(dir, 'home'));
  await mkdir(path.join(dir, 'root'));
  return { env: {}, platform, home: path.join(dir, 'home'), uid: 1000, root: path.join(dir, 'root') };
}

async function touch(file: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, '');
}

describe('engineHint: where testcontainers would look for an engine', () => {
  it('finds nothing on a machine where nothing points at an engine', async () => {
    expect(engineHint(await emptyMachine())).toBeUndefined();
    expect(engineHint(await emptyMachine('darwin'))).toBeUndefined();
  });

  it('sees DOCKER_HOST, ~/.testcontainers.properties and the Windows pipe', async () => {
    const machine = await emptyMachine();
    expect(engineHint({ ...machine, env: { DOCKER_HOST: 'tcp://10.0.0.1:2375' } })).toBe('DOCKER_HOST=tcp://10.0.0.1:2375');
    await writeFile(path.join(machine.home, '.testcontainers.properties'), 'tc.host=tcp://10.0.0.1:2375\n');
    expect(engineHint(machine)).toBe(path.join(machine.home, '.testcontainers.properties'));
    expect(engineHint(await emptyMachine('win32'))).toBe('npipe:////./pipe/docker_engine');
  });

  it('sees each Docker socket testcontainers tries', async () => {
    const sockets = (m: HintSources) => [
      path.join(m.root, 'var/run/docker.sock'),
      path.join(m.home, '.docker/run/docker.sock'),
      path.join(m.home, '.docker/desktop/docker.sock'),
      path.join(m.root, 'run/user/1000/docker.sock'),
    ];
    for (let i = 0; i < 4; i++) {
      const machine = await emptyMachine();
      const socket = sockets(machine)[i]!;
      await touch(socket);
      expect(engineHint(machine)).toBe(socket);
    }
    const machine = await emptyMachine();
    const xdg = path.join(machine.root, 'xdg');
    await touch(path.join(xdg, 'docker.sock'));
    expect(engineHint({ ...machine, env: { XDG_RUNTIME_DIR: xdg } })).toBe(path.join(xdg, 'docker.sock'));
  });

  it('mirrors the strategies of the testcontainers devmode runs with (fails when they change)', async () => {
    // Read from testcontainers' own client: a strategy added there and not here would hide
    // an engine from devmode's kafka.mode auto (engineHint must then learn it).
    const require = createRequire(import.meta.url);
    const client = path.join(path.dirname(require.resolve('testcontainers/package.json')), 'build/container-runtime/clients/client.js');
    const text = await readFile(client, 'utf8');
    const list = /const strategies = \[([^\]]*)\]/.exec(text)?.[1] ?? '';
    const names = [...list.matchAll(/new [\w$]+\.(\w+)\(/g)].map((m) => m[1]);
    expect(names).toEqual(['TestcontainersHostStrategy', 'ConfigurationStrategy', 'UnixSocketStrategy', 'RootlessUnixSocketStrategy', 'NpipeSocketStrategy']);
  });

  it('answers at once, without loading testcontainers, what testcontainers answers too', async () => {
    const machine = await emptyMachine();
    // This machine's own sockets are where testcontainers looks: only meaningful without them.
    if (engineHint({ ...machine, root: '/' }) !== undefined) {
      console.log('docker-hints: this machine has a Docker socket; the no-engine agreement is checked on machines without one');
      return;
    }
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: machine.home };
    delete env['DOCKER_HOST'];
    delete env['XDG_RUNTIME_DIR'];
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, ['--import', 'tsx', FIXTURE], { env, timeout: 30_000 }, (error, out, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out))),
    );
    const result = JSON.parse(stdout.trim()) as { probe: { available: boolean; reason?: string }; probeMs: number; loadedByProbe: boolean; testcontainers: string };
    expect(result.probe).toEqual({ available: false, reason: NO_ENGINE_CONFIGURED });
    expect(result.loadedByProbe).toBe(false);
    expect(result.testcontainers).toBe('Could not find a working container runtime strategy');
  });
});

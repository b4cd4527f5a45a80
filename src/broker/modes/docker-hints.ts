import { existsSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import path from 'node:path';

/** Where to look, made explicit so a test can point it at a directory of its own. */
export interface HintSources {
  readonly env: NodeJS.ProcessEnv;
  readonly platform: NodeJS.Platform;
  readonly home: string;
  readonly uid: number;
  /** the file system's root the machine-wide sockets are under ('/' but in tests) */
  readonly root: string;
}

/** What a probe sees when nothing points at an engine (the reason users read). */
export const NO_ENGINE_CONFIGURED = 'no DOCKER_HOST, no ~/.testcontainers.properties and no Docker socket';

/**
 * The first place testcontainers would find a container engine at, without loading it, or
 * undefined when there is none.
 *
 * Why: loading testcontainers costs ~320 ms of a core (its Docker client and what that
 * needs), and kafka.mode auto, the default, asks for an engine on every start. Where nothing
 * at all points at an engine, a few stat calls give testcontainers' own answer at once.
 * These mirror testcontainers 12's strategies, in its order (container-runtime/clients/
 * client.js; test/integration/broker-modes/docker-hints.test.ts fails when that list changes):
 * TestcontainersHost and Configuration (tc.host, docker.host in ~/.testcontainers.properties;
 * DOCKER_HOST), UnixSocket, RootlessUnixSocket, NpipeSocket. Any hint found means the full
 * probe, which alone says whether the engine answers.
 */
export function engineHint(sources: HintSources = currentSources()): string | undefined {
  const { env, platform, home, root } = sources;
  if (env['DOCKER_HOST'] !== undefined) return `DOCKER_HOST=${env['DOCKER_HOST']}`;
  const properties = path.resolve(home, '.testcontainers.properties');
  if (existsSync(properties)) return properties;
  if (platform === 'win32') return 'npipe:////./pipe/docker_engine';
  if (platform !== 'linux' && platform !== 'darwin') return undefined;
  const sockets = [
    path.join(root, 'var', 'run', 'docker.sock'),
    ...(env['XDG_RUNTIME_DIR'] !== undefined ? [path.join(env['XDG_RUNTIME_DIR'], 'docker.sock')] : []),
    path.join(home, '.docker', 'run', 'docker.sock'),
    path.join(home, '.docker', 'desktop', 'docker.sock'),
    path.join(root, 'run', 'user', String(sources.uid), 'docker.sock'),
  ];
  return sockets.find((socket) => existsSync(socket));
}

function currentSources(): HintSources {
  return { env: process.env, platform: process.platform, home: homedir(), uid: userInfo().uid, root: '/' };
}

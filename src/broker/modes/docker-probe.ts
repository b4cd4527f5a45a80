import { engineHint, NO_ENGINE_CONFIGURED } from './docker-hints.js';
import { errorMessage, withTimeout } from './with-timeout.js';

/** What the probe found: an engine that answered, or why there is none (one line). */
export type DockerProbeResult =
  | { readonly available: true; readonly endpoint: string; readonly serverVersion: string }
  | { readonly available: false; readonly reason: string };

export interface DockerProbeOptions {
  /** how long to wait for an engine to answer before calling it absent (default 3000) */
  readonly timeoutMs?: number;
}

/** Default probe budget: an engine on a local socket answers in milliseconds. */
export const DEFAULT_DOCKER_PROBE_TIMEOUT_MS = 3000;

/**
 * Asks testcontainers whether a container engine answers, without ever throwing.
 *
 * Where nothing points at an engine (docker-hints.ts) testcontainers is not even loaded.
 * The import itself is guarded: the package may be missing from a slim install, which
 * means "no engine". The lookup is raced
 * against our own timer because a DOCKER_HOST that accepts connections but never answers
 * would otherwise hang start-up.
 */
export async function probeDocker(options: DockerProbeOptions = {}): Promise<DockerProbeResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_DOCKER_PROBE_TIMEOUT_MS;
  if (engineHint() === undefined) return { available: false, reason: NO_ENGINE_CONFIGURED };
  const tc = await import('testcontainers').catch((error: unknown) => {
    return { importError: errorMessage(error) } as const;
  });
  if ('importError' in tc) return { available: false, reason: `testcontainers unavailable: ${tc.importError}` };
  try {
    const client = await withTimeout(
      tc.getContainerRuntimeClient(),
      timeoutMs,
      () => new Error(`no answer within ${timeoutMs} ms${describeDockerHost()}`),
    );
    const runtime = client.info.containerRuntime;
    return { available: true, endpoint: engineEndpoint(runtime.remoteSocketPath), serverVersion: String(runtime.serverVersion) };
  } catch (error) {
    return { available: false, reason: errorMessage(error) };
  }
}

// The address users recognise: DOCKER_HOST when they set it, else the engine's socket.
function engineEndpoint(remoteSocketPath: string): string {
  const fromEnv = process.env['DOCKER_HOST'];
  if (fromEnv) return fromEnv;
  return remoteSocketPath.includes('://') ? remoteSocketPath : `unix://${remoteSocketPath}`;
}

function describeDockerHost(): string {
  const host = process.env['DOCKER_HOST'];
  return host ? ` from DOCKER_HOST=${host}` : '';
}

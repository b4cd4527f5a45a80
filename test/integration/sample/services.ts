import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, type ResultPromise } from 'execa';

const SAMPLE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../sample-system');

/** A free port on 127.0.0.1 (listen on 0, read it, close). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** One sample service instance, started the way devmode starts it: `node server.mjs` in its directory. */
export class SampleInstance {
  readonly url: string;
  readonly #child: ResultPromise;
  output = '';

  constructor(service: string, instance: number, port: number, env: Record<string, string>) {
    this.url = `http://127.0.0.1:${port}`;
    this.#child = execa('node', ['server.mjs'], {
      cwd: path.join(SAMPLE, service),
      env: { ...env, HOST: '127.0.0.1', PORT: String(port), SERVICE_NAME: service, SERVICE_INSTANCE: String(instance) },
      extendEnv: true,
      all: true,
      reject: false,
      stdin: 'ignore',
    });
    this.#child.all?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** Resolves once GET /health answers 200. */
  async ready(timeoutMs = 15_000): Promise<void> {
    await until(async () => (await fetch(`${this.url}/health`).catch(() => undefined))?.status === 200, () => `${this.url}/health; output:\n${this.output}`, timeoutMs);
  }

  /** SIGTERM, as devmode stops an instance; resolves when it exited. */
  async stop(): Promise<{ exitCode: number | undefined }> {
    this.#child.kill('SIGTERM');
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 5000);
    const result = await this.#child;
    clearTimeout(timer);
    return { exitCode: result.exitCode };
  }
}

/** Polls `check` until true, or fails after `timeoutMs` with what `what()` says. */
export async function until(check: () => boolean | Promise<boolean>, what: () => string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** fetch + JSON, returning status and body. */
export async function call(url: string, init: RequestInit = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { ...init, headers: { 'content-type': 'application/json', ...init.headers } });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

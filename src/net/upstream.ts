import type { InstanceAddress, InstanceResolver } from '../core/contracts.js';

/** Why no instance could serve a call: the caller turns it into a 502 or 503. */
export type NoInstance =
  /** nothing ready and nothing coming: the service is down (crash loop, exited, unknown) */
  | { kind: 'down'; service: string; reason: string }
  /** the service was pending (starting, reloading) and did not become ready in time */
  | { kind: 'timeout'; service: string; waitedMs: number; reason: string };

export interface PickOptions {
  resolver: InstanceResolver;
  service: string;
  /** how long to wait for a pending service */
  waitTimeoutMs: number;
  /** aborts the wait (client went away, devmode stopping); a function is called only if a wait is needed */
  signal?: AbortSignal | (() => AbortSignal);
  /** only this instance (a CLUSTER_PEERS call to one peer) */
  instance?: number;
  /** round-robin counter shared by the caller's calls to this service */
  next: () => number;
}

/** An instance, or why there is none: now, or once a wait for a pending service ends. */
export type Picked = InstanceAddress | NoInstance;

/**
 * Finds a ready instance of a service for one call, waiting while the service is pending,
 * and round-robins between ready instances. Shared by the gateway and the mesh, which
 * differ only in what they do with the instance. Answers synchronously when it need not
 * wait (almost every call): an async function here cost a promise, a generator and a
 * microtask per call on the hot path.
 */
export function pickInstance(options: PickOptions): Picked | Promise<Picked> {
  const { resolver, service } = options;
  const instances = eligible(resolver.ready(service), options.instance);
  if (instances.length > 0) return instances[options.next() % instances.length]!;
  if (!resolver.pending(service)) return { kind: 'down', service, reason: resolver.whyDown(service) ?? 'no ready instance' };
  return waitForInstance(options);
}

function eligible(list: readonly InstanceAddress[], instance: number | undefined): readonly InstanceAddress[] {
  return instance === undefined ? list : list.filter((i) => i.instance === instance);
}

async function waitForInstance(options: PickOptions): Promise<Picked> {
  const { resolver, service } = options;
  const deadline = Date.now() + options.waitTimeoutMs;
  const signal = typeof options.signal === 'function' ? options.signal() : options.signal;
  let instances: readonly InstanceAddress[] = [];
  // waitReady resolves on the first ready instance of the service; a pinned call may need
  // a particular one, so wait again until it (or the deadline) comes.
  while (instances.length === 0) {
    const left = deadline - Date.now();
    if (left <= 0 || signal?.aborted) break;
    try {
      await resolver.waitReady(service, left, signal);
    } catch {
      break;
    }
    instances = eligible(resolver.ready(service), options.instance);
    if (instances.length === 0) await new Promise((r) => setTimeout(r, 10));
  }
  if (instances.length === 0) {
    return resolver.pending(service)
      ? { kind: 'timeout', service, waitedMs: options.waitTimeoutMs, reason: resolver.whyDown(service) ?? 'still starting' }
      : { kind: 'down', service, reason: resolver.whyDown(service) ?? 'no ready instance' };
  }
  return instances[options.next() % instances.length]!;
}

type Retryable = { kind: string; retryable?: boolean; code?: string | undefined };

/**
 * Runs `attempt` on an instance and, when it failed before any byte reached the upstream
 * application (connection refused: the instance just stopped, or a reload moved it; or a
 * pooled connection the instance had just closed), picks again and tries up to `retries`
 * more times. `attempt` gets the previous failed result, so it can replay a body the
 * failed attempt already read. This is what lets a reload swap lose no request.
 * The first try takes no promise of its own when an instance is ready now (see pickInstance).
 */
export function withRetry<R extends Retryable>(
  pick: () => Picked | Promise<Picked>,
  attempt: (target: InstanceAddress, previous?: R) => Promise<R>,
  retries = 2,
): Promise<{ result: R; target: InstanceAddress } | NoInstance> {
  const first = pick();
  if (first instanceof Promise || isNoInstance(first)) return retrying(pick, attempt, retries, undefined, first);
  return attempt(first).then((result) =>
    result.kind === 'failed' && result.retryable && retries > 0 ? retrying(pick, attempt, retries - 1, { result, target: first }) : { result, target: first },
  );
}

async function retrying<R extends Retryable>(
  pick: () => Picked | Promise<Picked>,
  attempt: (target: InstanceAddress, previous?: R) => Promise<R>,
  retries: number,
  previous: { result: R; target: InstanceAddress } | undefined,
  picked?: Picked | Promise<Picked>,
): Promise<{ result: R; target: InstanceAddress } | NoInstance> {
  for (let i = 0; ; i++) {
    let target = await (i === 0 && picked !== undefined ? picked : pick());
    if (isNoInstance(target)) return target;
    // The registry still names the instance that refused: give a swap a moment to land.
    // (A reset pooled socket only means that connection was stale: the same instance will do.)
    if (previous && sameAddress(target, previous.target) && previous.result.code !== 'ECONNRESET') {
      await new Promise((r) => setTimeout(r, 25));
      target = await pick();
      if (isNoInstance(target)) return target;
    }
    const result = await attempt(target, previous?.result);
    if (!(result.kind === 'failed' && result.retryable) || i >= retries) return { result, target };
    previous = { result, target };
  }
}

export function isNoInstance<T extends object>(value: T | NoInstance): value is NoInstance {
  return 'kind' in value && (value.kind === 'down' || value.kind === 'timeout') && 'reason' in value;
}

function sameAddress(a: InstanceAddress, b: InstanceAddress): boolean {
  return a.host === b.host && a.port === b.port;
}

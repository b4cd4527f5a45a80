import type { ManagedServiceConfig, SystemConfig } from '../config/types.js';
import type { DevmodeEvent, Endpoint } from '../core/events/index.js';
import type { InstanceResolver } from '../core/contracts.js';
import type { BodyCapture, FaultTable, HeaderRing } from '../mesh/index.js';
import { MeshEdge } from '../mesh/index.js';
import { LoopbackPlan, loopbackBlockRouted } from '../net/loopback.js';
import { derivePort, nextProbe } from '../net/ports.js';
import type { HttpProxy } from '../net/proxy/index.js';

export interface SystemEdgesOptions {
  config: SystemConfig;
  managed: readonly ManagedServiceConfig[];
  resolver: InstanceResolver;
  publish: (event: DevmodeEvent) => void;
  proxy: HttpProxy;
  faults: FaultTable;
  capture: BodyCapture;
  headers?: HeaderRing;
  externalCaller?: string | undefined;
  /** ports handed out in this run (the port plan's): edges' ports are added */
  reserved: Set<number>;
  /** one edge per caller instance and peer, on 127.0.0.1 (default: where 127/8 is not all loopback) */
  perCaller?: boolean;
}

/** Busy ports an edge tries past its stable one before taking any port the OS gives. */
const PORT_ATTEMPTS = 64;

/** What an edge is for: a callee (one instance of it for CLUSTER_PEERS) and who calls it. */
interface EdgePlan {
  callee: string;
  calleeInstance?: number;
  callers: Map<string, Endpoint>;
  /** the i-th stable port of this callee's series */
  portIndex: number;
}

/**
 * Every mesh edge of a system. Where all of 127.0.0.0/8 is loopback (Linux), one edge per
 * callee service, plus one per instance of a service with several (CLUSTER_PEERS), each
 * listening on the wildcard address at a port stable across runs; every caller instance has
 * a loopback address of its own (LoopbackPlan), so a call's destination address says who
 * called and its port whom. Listeners grow with services plus instances, not their product.
 * Elsewhere, one edge per (caller instance, peer) on 127.0.0.1, where the port says both.
 * An external caller (devmode test's command) is one more caller of every service.
 */
export class SystemEdges {
  readonly #options: SystemEdgesOptions;
  readonly #perCaller: boolean;
  readonly #addresses: LoopbackPlan;
  /** edges by key: `callee` or `callee#instance` (shared), or `caller/i->callee[#j]` (per caller) */
  readonly #byKey = new Map<string, MeshEdge>();
  #stopped = false;

  constructor(options: SystemEdgesOptions) {
    this.#options = options;
    this.#perCaller = options.perCaller ?? !loopbackBlockRouted();
    this.#addresses = new LoopbackPlan(options.config.name);
    // Addresses are assigned in the config's order, so a contested block goes the same way every run.
    for (const s of options.managed) for (let i = 0; i < s.instances; i++) this.#addresses.address(s.name, i);
    if (options.externalCaller) this.#addresses.address(options.externalCaller, 0);
  }

  /** How many listeners the edges hold (for the start-up figures). */
  get listeners(): number {
    return this.#byKey.size;
  }

  async start(): Promise<void> {
    // All at once: binding is the probe (a busy port moves an edge to the next one), so the
    // start does not grow with a round of probes per edge.
    const started = await Promise.allSettled(
      [...this.#plans()].map(async ([key, plan]) => {
        const edge = await this.#open(plan);
        this.#byKey.set(key, edge);
        if (this.#stopped) await edge.stop(); // stop() came while it was opening
      }),
    );
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /** Opens a plan's edge on its stable port, or the next free one after it. */
  async #open(plan: EdgePlan): Promise<MeshEdge> {
    const o = this.#options;
    const make = (port: number) =>
      new MeshEdge({
        ...(this.#perCaller ? { caller: [...plan.callers.values()][0]! } : { callers: plan.callers }),
        callee: plan.callee,
        ...(plan.calleeInstance !== undefined ? { calleeInstance: plan.calleeInstance } : {}),
        resolver: o.resolver,
        publish: o.publish,
        proxy: o.proxy,
        waitTimeoutMs: o.config.gateway.waitTimeoutMs,
        faults: o.faults,
        capture: o.capture,
        ...(o.headers ? { headers: o.headers } : {}),
        host: this.#perCaller ? '127.0.0.1' : '0.0.0.0',
        port,
      });
    if (this.#perCaller) {
      const edge = make(0);
      await edge.start();
      return edge;
    }
    const preferred = derivePort(o.config.name, `mesh/${plan.callee}`, plan.portIndex);
    let port = preferred;
    for (let attempt = 0; attempt < PORT_ATTEMPTS && !this.#stopped; attempt++) {
      while (o.reserved.has(port)) port = nextProbe(port, preferred);
      o.reserved.add(port); // taken before the await: no other edge tries it meanwhile
      const edge = make(port);
      try {
        await edge.start();
        return edge;
      } catch (error) {
        if ((error as { cause?: NodeJS.ErrnoException }).cause?.code !== 'EADDRINUSE') throw error;
        port = nextProbe(port, preferred);
      }
    }
    const edge = make(0);
    await edge.start();
    o.reserved.add(edge.port);
    return edge;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await Promise.all([...this.#byKey.values()].map((e) => e.stop().catch(() => {})));
  }

  /** peer service -> the URL this instance calls it at (SERVICE_<PEER>_URL); valid after start() */
  peersOf(service: ManagedServiceConfig, instance: number, all: readonly { name: string }[]): Map<string, string> {
    const peers = new Map<string, string>();
    for (const peer of all) {
      if (peer.name === service.name) continue;
      const url = this.#urlOf(service.name, instance, peer.name);
      if (url) peers.set(peer.name, url);
    }
    return peers;
  }

  /** URLs of the other instances of the same service (CLUSTER_PEERS); valid after start() */
  clusterOf(service: ManagedServiceConfig, instance: number): string[] {
    const urls: string[] = [];
    for (let j = 0; j < service.instances; j++) {
      const url = j === instance ? undefined : this.#urlOf(service.name, instance, service.name, j);
      if (url) urls.push(url);
    }
    return urls;
  }

  /** service -> URL for the external caller; valid after start() */
  external(): Map<string, string> {
    const urls = new Map<string, string>();
    const caller = this.#options.externalCaller;
    if (!caller) return urls;
    for (const s of this.#options.config.services) {
      const url = this.#urlOf(caller, null, s.name);
      if (url) urls.set(s.name, url);
    }
    return urls;
  }

  #urlOf(caller: string, instance: number | null, callee: string, calleeInstance?: number): string | undefined {
    const target = calleeInstance === undefined ? callee : `${callee}#${calleeInstance}`;
    if (this.#perCaller) return this.#byKey.get(`${caller}/${instance ?? '*'}->${target}`)?.url;
    return this.#byKey.get(target)?.urlFor(this.#addresses.address(caller, instance ?? 0));
  }

  /** What edges to open, by key, in a stable order. */
  #plans(): Map<string, EdgePlan> {
    const o = this.#options;
    const plans = new Map<string, EdgePlan>();
    const add = (caller: Endpoint, callee: string, calleeInstance?: number) => {
      const target = calleeInstance === undefined ? callee : `${callee}#${calleeInstance}`;
      const key = this.#perCaller ? `${caller.service}/${caller.instance ?? '*'}->${target}` : target;
      let plan = plans.get(key);
      if (!plan) {
        plan = { callee, callers: new Map(), portIndex: calleeInstance === undefined ? 0 : calleeInstance + 1 };
        if (calleeInstance !== undefined) plan.calleeInstance = calleeInstance;
        plans.set(key, plan);
      }
      plan.callers.set(this.#addresses.address(caller.service, caller.instance ?? 0), caller);
    };
    for (const s of o.managed) {
      for (let i = 0; i < s.instances; i++) {
        for (const peer of o.config.services) if (peer.name !== s.name) add({ service: s.name, instance: i }, peer.name);
        for (let j = 0; j < s.instances; j++) if (j !== i) add({ service: s.name, instance: i }, s.name, j);
      }
    }
    if (o.externalCaller) for (const s of o.config.services) add({ service: o.externalCaller, instance: null }, s.name);
    return plans;
  }
}

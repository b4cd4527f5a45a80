import type { DevmodeEvent, InstanceRef } from '../events/index.js';
import type { DeclaredService, ProcessUsage, RegisteredService } from './sources.js';
import type { ExitView, InstanceStateView, InstanceView, ReloadView, ServiceView } from './snapshot.js';

interface InstanceRecord {
  service: string;
  instance: number;
  state: InstanceStateView;
  since: number | null;
  pid: number | null;
  port: number | null;
  url: string | null;
  upSince: number | null;
  readyInMs: number | null;
  starts: number;
  lastExit: ExitView | null;
  why: string | null;
  restartInMs: number | null;
  usage: ProcessUsage | null;
}

interface ServiceRecord {
  name: string;
  kind: 'managed' | 'unmanaged';
  url: string | null;
  instances: Map<number, InstanceRecord>;
  activity: ServiceView['activity'];
  lastReload: ReloadView | null;
}

/**
 * Services and their instances as events tell them: state, pid, port, uptime, restarts,
 * last exit, reloads and builds; the locator's view (unmanaged services, why an instance
 * is down) and sampled CPU and memory are merged in by the Store's poll.
 */
export class ServicesFold {
  readonly #services = new Map<string, ServiceRecord>();
  /** services beyond this many are not tracked (a guard against unbounded names) */
  readonly #maxServices: number;

  constructor(declared: readonly DeclaredService[], maxServices = 4096) {
    this.#maxServices = maxServices;
    for (const d of declared) {
      const record = this.#service(d.name, d.kind);
      if (!record) continue;
      if (d.kind === 'unmanaged') {
        record.url = d.url ?? null;
        record.instances.set(0, blank(d.name, 0, 'ready', d.url ?? null));
      } else for (let i = 0; i < (d.instances ?? 1); i++) record.instances.set(i, blank(d.name, i, 'waiting', null));
    }
  }

  /** Folds one event; returns whether anything changed. */
  fold(event: DevmodeEvent): boolean {
    switch (event.type) {
      case 'instance.state': {
        const r = this.#instance(event.ref);
        if (!r) return false;
        // 'starting' again (with why: a failing readiness check) is the same start, not a restart
        const again = event.state === 'starting' && r.state === 'starting';
        // a swap (reload) announces its new process ready at once: another pid is another uptime
        const newProcess = event.pid !== undefined && event.pid !== r.pid;
        r.state = event.state;
        r.since = event.ts;
        if (event.pid !== undefined) r.pid = event.pid;
        if (event.port !== undefined) {
          r.port = event.port;
          r.url = `http://127.0.0.1:${event.port}`;
        }
        if (event.state === 'starting') {
          if (!again) r.starts++;
          r.upSince = null;
        } else if (event.state === 'ready') {
          if (newProcess) r.upSince = event.ts;
          else r.upSince ??= event.ts;
          if (event.readyInMs !== undefined) r.readyInMs = event.readyInMs;
        } else r.upSince = null;
        if (event.state === 'exited' || event.state === 'stopped') {
          r.pid = null;
          r.usage = null;
          if (event.exit) r.lastExit = { code: event.exit.code, signal: event.exit.signal, ts: event.ts, requested: event.state === 'stopped' };
        }
        r.why = event.state === 'ready' ? null : (event.detail ?? (event.state === 'starting' ? null : r.why));
        r.restartInMs = event.restartInMs ?? null;
        return true;
      }
      case 'reload.started':
        return this.#reload(event.service, (s) => {
          s.activity = 'reloading';
          s.lastReload = { trigger: event.trigger, files: event.files, startedAt: event.ts, outcome: 'running', ms: null, reason: null, buildOutput: null };
        });
      case 'build.started':
        return this.#reload(event.service, (s) => {
          s.activity = 'building';
        });
      case 'build.finished':
        // a reload's build: the new version starts now; a first build: the instances' own states say the rest
        return this.#reload(event.service, (s) => {
          s.activity = s.lastReload?.outcome === 'running' ? 'reloading' : 'idle';
        });
      case 'build.failed':
        return this.#reload(event.service, (s) => {
          s.activity = 'build-failed';
          const base = s.lastReload?.outcome === 'running' ? s.lastReload : { trigger: 'start', files: 0, startedAt: event.ts, ms: null };
          s.lastReload = { ...base, outcome: 'build-failed', reason: `build exited with code ${event.exitCode ?? 'none'}`, buildOutput: event.output };
        });
      case 'reload.finished':
        return this.#reload(event.service, (s) => {
          s.activity = 'idle';
          s.lastReload = { ...(s.lastReload ?? { trigger: 'change', files: 0, startedAt: event.ts - event.ms, reason: null, buildOutput: null }), outcome: 'finished', ms: event.ms, reason: null, buildOutput: null };
        });
      case 'reload.failed':
        return this.#reload(event.service, (s) => {
          s.activity = 'idle';
          s.lastReload = { ...(s.lastReload ?? { trigger: 'change', files: 0, startedAt: event.ts, ms: null, buildOutput: null }), outcome: 'failed', ms: null, reason: event.reason };
        });
      default:
        return false;
    }
  }

  /** The locator's view: unmanaged and run-time registered services, and why a managed instance is down. */
  mergeRegistry(entries: readonly RegisteredService[]): void {
    for (const e of entries) {
      const known = this.#services.get(e.name);
      const record = known ?? this.#service(e.name, e.kind);
      if (!record) continue;
      if (record.kind === 'unmanaged') {
        record.instances.clear();
        for (const i of e.instances) {
          const r = blank(e.name, i.instance, i.state === 'ready' ? 'ready' : 'exited', i.url);
          r.port = i.port;
          r.why = i.why;
          record.instances.set(i.instance, r);
        }
        record.url = e.instances[0]?.url ?? record.url;
        continue;
      }
      for (const i of e.instances) {
        const r = record.instances.get(i.instance);
        if (!r) continue;
        if (i.url) r.url = i.url;
        if (r.state !== 'ready' && i.why) r.why = i.why;
      }
      if (e.notStarted) for (const r of record.instances.values()) if (r.state === 'waiting') r.why = e.notStarted;
    }
  }

  /** The pids of running instances, to sample. */
  pids(): number[] {
    const out: number[] = [];
    for (const s of this.#services.values()) for (const r of s.instances.values()) if (r.pid !== null) out.push(r.pid);
    return out;
  }

  mergeUsage(usage: ReadonlyMap<number, ProcessUsage>): void {
    for (const s of this.#services.values()) for (const r of s.instances.values()) r.usage = r.pid !== null ? (usage.get(r.pid) ?? null) : null;
  }

  /** Seeds from a snapshot (the remote Store's first read). */
  seed(services: readonly ServiceView[]): void {
    this.#services.clear();
    for (const s of services) {
      const record = this.#service(s.name, s.kind);
      if (!record) continue;
      record.url = s.url;
      record.activity = s.activity;
      record.lastReload = s.lastReload;
      for (const i of s.instances) {
        record.instances.set(i.instance, {
          ...i,
          starts: i.restarts + (i.state === 'waiting' ? 0 : 1),
          usage: i.cpuPercent !== null && i.rssBytes !== null ? { cpuPercent: i.cpuPercent, rssBytes: i.rssBytes } : null,
        });
      }
    }
  }

  view(): ServiceView[] {
    const out: ServiceView[] = [];
    for (const s of this.#services.values()) {
      const instances = [...s.instances.values()].sort((a, b) => a.instance - b.instance).map(instanceView);
      out.push(Object.freeze({ name: s.name, kind: s.kind, url: s.url, instances: Object.freeze(instances), activity: s.activity, lastReload: s.lastReload && Object.freeze({ ...s.lastReload }) }));
    }
    return out;
  }

  #reload(service: string, change: (s: ServiceRecord) => void): boolean {
    const s = this.#service(service, 'managed');
    if (!s) return false;
    change(s);
    return true;
  }

  #service(name: string, kind: 'managed' | 'unmanaged'): ServiceRecord | undefined {
    let s = this.#services.get(name);
    if (!s && this.#services.size < this.#maxServices) {
      s = { name, kind, url: null, instances: new Map(), activity: 'idle', lastReload: null };
      this.#services.set(name, s);
    }
    return s;
  }

  #instance(ref: InstanceRef): InstanceRecord | undefined {
    const s = this.#service(ref.service, 'managed');
    if (!s) return undefined;
    let r = s.instances.get(ref.instance);
    if (!r) s.instances.set(ref.instance, (r = blank(ref.service, ref.instance, 'waiting', null)));
    return r;
  }
}

function blank(service: string, instance: number, state: InstanceStateView, url: string | null): InstanceRecord {
  return { service, instance, state, since: null, pid: null, port: null, url, upSince: null, readyInMs: null, starts: 0, lastExit: null, why: null, restartInMs: null, usage: null };
}

function instanceView(r: InstanceRecord): InstanceView {
  return Object.freeze({
    service: r.service,
    instance: r.instance,
    key: `${r.service}.${r.instance}`,
    state: r.state,
    since: r.since,
    pid: r.pid,
    port: r.port,
    url: r.url,
    upSince: r.upSince,
    readyInMs: r.readyInMs,
    restarts: Math.max(0, r.starts - 1),
    lastExit: r.lastExit && Object.freeze({ ...r.lastExit }),
    why: r.why,
    restartInMs: r.restartInMs,
    cpuPercent: r.usage?.cpuPercent ?? null,
    rssBytes: r.usage?.rssBytes ?? null,
  });
}
